package io.azlhsm.copytool.agent;

import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Takes over a signal the parent process left ignored. HotSpot refuses to install a handler for SIGHUP, SIGINT or
 * SIGTERM when it inherited them ignored ({@code nohup}, a shell's background job) and {@link Signal#handle} then
 * quietly answers {@link SignalHandler#SIG_IGN}: the agent would never reload on SIGHUP. Putting the default
 * disposition back first lets the handler in; for SIGHUP that keeps nohup's intent, as a hangup reloads instead of
 * killing. The launcher ({@code bin/copytool agent}) starts the JVM with SIGHUP ignored on purpose, so that a HUP
 * before this handler is in cannot end it.
 */
final class InheritedSignalIgnore {
    private static final Logger LOG = Logger.getLogger(InheritedSignalIgnore.class.getName());
    private static final long SIG_DFL = 0;

    /** The one libc call needed; the disposition it returns is not used. */
    public interface LibC {
        long signal(int signum, long handler);
    }

    private InheritedSignalIgnore() {
    }

    /** Installs {@code handler} for {@code name}, first undoing an ignore inherited from the parent. */
    static void handle(String name, SignalHandler handler) {
        Signal signal = new Signal(name);
        if (Signal.handle(signal, handler) != SignalHandler.SIG_IGN) {
            return;
        }
        LibraryLoader.create(LibC.class).load("c").signal(signal.getNumber(), SIG_DFL);
        Signal.handle(signal, handler);
        LOG.fine("SIG" + name + " was ignored when the JVM started (the launcher, or nohup); the agent handles it now");
    }
}
