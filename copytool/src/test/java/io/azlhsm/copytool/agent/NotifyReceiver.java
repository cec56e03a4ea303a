package io.azlhsm.copytool.agent;

import io.azlhsm.testcluster.harness.Cluster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The service manager's end of the notification socket, as systemd binds it: an AF_UNIX datagram socket (a path, or
 * '@name' in the abstract namespace) whose datagrams are collected in order of arrival.
 */
final class NotifyReceiver implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final short POLLIN = 1;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    /** The libc calls used here. */
    public interface LibC {
        int socket(int domain, int type, int protocol);

        int bind(int fd, @In ByteBuffer address, int addressLength);

        long recv(int fd, @Out ByteBuffer buffer, long length, int flags);

        int poll(@In @Out ByteBuffer fds, long nfds, int timeout);

        int close(int fd);
    }

    private final String address;
    private final int fd;
    private final Thread reader;
    private final List<String> messages = new ArrayList<>();
    private volatile boolean open = true;

    NotifyReceiver(String address) throws IOException {
        this.address = address;
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = address.startsWith("@");
        if (abstractName) {
            path[0] = 0;
        }
        ByteBuffer sockaddr = ByteBuffer.allocateDirect(110).order(ByteOrder.nativeOrder());
        sockaddr.putShort(0, (short) AF_UNIX);
        sockaddr.position(2);
        sockaddr.put(path);
        sockaddr.clear();
        fd = LIBC.socket(AF_UNIX, SOCK_DGRAM, 0);
        if (fd < 0 || LIBC.bind(fd, sockaddr, 2 + path.length + (abstractName ? 0 : 1)) != 0) {
            throw new IOException("cannot bind " + address + ": errno " + RUNTIME.getLastError());
        }
        reader = new Thread(this::read, "notify-receiver");
        reader.setDaemon(true);
        reader.start();
    }

    String address() {
        return address;
    }

    private void read() {
        ByteBuffer pollfd = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
        ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
        while (open) {
            pollfd.putInt(0, fd).putShort(4, POLLIN).putShort(6, (short) 0);
            if (LIBC.poll(pollfd, 1, 200) <= 0) {
                continue;
            }
            buffer.clear();
            long length = LIBC.recv(fd, buffer, buffer.capacity(), 0);
            if (length > 0) {
                byte[] bytes = new byte[(int) length];
                buffer.get(0, bytes);
                synchronized (this) {
                    messages.add(new String(bytes, StandardCharsets.UTF_8));
                }
            }
        }
    }

    synchronized List<String> messages() {
        return List.copyOf(messages);
    }

    /** Index of the first message at or after {@code from} with a line {@code line}, or -1. */
    synchronized int indexOf(String line, int from) {
        for (int i = Math.max(0, from); i < messages.size(); i++) {
            if (messages.get(i).lines().anyMatch(line::equals)) {
                return i;
            }
        }
        return -1;
    }

    /** Waits for a message with the line {@code line} at or after index {@code from}; returns its index. */
    int await(String line, int from, Duration timeout) {
        Cluster.await("a notification with " + line + " after message " + from, timeout,
                () -> indexOf(line, from) >= 0, () -> "received: " + messages());
        return indexOf(line, from);
    }

    @Override
    public void close() throws InterruptedException {
        open = false;
        reader.join(5000);
        LIBC.close(fd);
    }
}
