package io.azlhsm.copytool.agent;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Tells systemd ({@code Type=notify}, conf/copytool.service) where the agent stands, by the protocol of
 * {@code sd_notify(3)}: {@code READY=1} once it is registered with every signal handler in, {@code RELOADING=1} and
 * {@code READY=1} again around a SIGHUP reload, {@code STOPPING=1} at the stop, {@code STATUS=} lines, and
 * {@code WATCHDOG=1} from {@link ServiceWatchdog}. Without {@code $NOTIFY_SOCKET} (not started by systemd, or
 * {@code Type=simple}) every call does nothing. A message that cannot be sent is logged once and never stops the
 * agent: moving data matters more than telling systemd about it.
 */
public final class ServiceNotifier implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ServiceNotifier.class.getName());

    private final Optional<NotifySocket> socket;
    private final Optional<Duration> watchdog;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private ServiceNotifier(Optional<NotifySocket> socket, Optional<Duration> watchdog) {
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /** From the process environment, as systemd sets it: NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID. */
    static ServiceNotifier fromEnvironment() {
        return fromEnvironment(System::getenv, ProcessHandle.current().pid());
    }

    static ServiceNotifier fromEnvironment(UnaryOperator<String> environment, long pid) {
        String address = environment.apply("NOTIFY_SOCKET");
        if (address == null || address.isEmpty()) {
            return new ServiceNotifier(Optional.empty(), Optional.empty());
        }
        Optional<NotifySocket> socket;
        try {
            socket = Optional.of(new NotifySocket(address));
        } catch (IOException | RuntimeException e) {
            LOG.warning("systemd notifications off: " + e.getMessage());
            return new ServiceNotifier(Optional.empty(), Optional.empty());
        }
        return new ServiceNotifier(socket, watchdogInterval(environment, pid));
    }

    /** WATCHDOG_USEC, when it is meant for this process (WATCHDOG_PID unset or ours), as sd_watchdog_enabled reads it. */
    static Optional<Duration> watchdogInterval(UnaryOperator<String> environment, long pid) {
        String usec = environment.apply("WATCHDOG_USEC");
        if (usec == null || usec.isEmpty()) {
            return Optional.empty();
        }
        String watchdogPid = environment.apply("WATCHDOG_PID");
        try {
            if (watchdogPid != null && !watchdogPid.isEmpty() && Long.parseLong(watchdogPid.strip()) != pid) {
                return Optional.empty();
            }
            long micros = Long.parseLong(usec.strip());
            return micros > 0 ? Optional.of(Duration.ofNanos(micros * 1000)) : Optional.empty();
        } catch (NumberFormatException e) {
            LOG.warning("systemd watchdog off: WATCHDOG_USEC=" + usec + " or WATCHDOG_PID=" + watchdogPid
                    + " is not a number");
            return Optional.empty();
        }
    }

    /** Whether systemd listens at all. */
    boolean enabled() {
        return socket.isPresent();
    }

    /** How often systemd wants WATCHDOG=1 at the latest (WatchdogSec=), if it does. */
    Optional<Duration> watchdog() {
        return watchdog;
    }

    void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    /** READY=1 again after a reload, with no new status (the watchdog's next tick sends one). */
    void ready() {
        send("READY=1");
    }

    /** Before a reload; MONOTONIC_USEC as systemd 253's Type=notify-reload asks (older versions ignore it). */
    void reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=" + System.nanoTime() / 1000); // HotSpot's nanoTime is CLOCK_MONOTONIC
    }

    void stopping(String status) {
        send("STOPPING=1\nSTATUS=" + status);
    }

    void status(String status) {
        send("STATUS=" + status);
    }

    void watchdog(String status) {
        send("WATCHDOG=1\nSTATUS=" + status);
    }

    private void send(String message) {
        if (socket.isEmpty()) {
            return;
        }
        try {
            socket.get().send(message);
        } catch (IOException | RuntimeException e) {
            if (failureLogged.compareAndSet(false, true)) {
                LOG.warning("systemd notification not sent (further failures are not logged): " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        socket.ifPresent(NotifySocket::close);
    }
}
