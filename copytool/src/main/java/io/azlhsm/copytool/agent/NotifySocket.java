package io.azlhsm.copytool.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/**
 * The datagram socket of systemd's notification protocol ({@code sd_notify(3)}): one {@code AF_UNIX}
 * {@code SOCK_DGRAM} socket, each message sent to {@code $NOTIFY_SOCKET} with {@code sendto}. Java 17's channels have
 * no Unix-domain datagrams, so libc is called through jnr-ffi (already how the agent reaches liblustreapi); no
 * libsystemd is needed. An address starting with '@' is in the abstract namespace, as sd_notify reads it.
 */
final class NotifySocket implements AutoCloseable {
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(sockaddr_un.sun_path) on Linux. */
    private static final int SUN_PATH = 108;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    /** The libc calls used here. */
    public interface LibC {
        int socket(int domain, int type, int protocol);

        long sendto(int fd, @In ByteBuffer buffer, long length, int flags, @In ByteBuffer address, int addressLength);

        int close(int fd);
    }

    private final String address;
    private final ByteBuffer sockaddr;
    private final int sockaddrLength;
    private final int fd;

    /** @throws IOException when the address is not a Unix socket path or the socket cannot be made */
    NotifySocket(String address) throws IOException {
        this.address = address;
        byte[] path = address.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = address.startsWith("@");
        if (!abstractName && !address.startsWith("/")) {
            throw new IOException("NOTIFY_SOCKET=" + address + " is neither an absolute path nor an abstract"
                    + " socket (@name)");
        }
        if (path.length + (abstractName ? 0 : 1) > SUN_PATH) {
            throw new IOException("NOTIFY_SOCKET=" + address + " is longer than a socket address may be");
        }
        if (abstractName) {
            path[0] = 0; // the abstract namespace: a leading NUL and no terminating one, the length says where it ends
        }
        sockaddr = ByteBuffer.allocateDirect(2 + SUN_PATH).order(ByteOrder.nativeOrder());
        sockaddr.putShort(0, (short) AF_UNIX);
        sockaddr.position(2);
        sockaddr.put(path);
        sockaddr.clear();
        sockaddrLength = 2 + path.length + (abstractName ? 0 : 1);
        fd = LIBC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot make a socket for NOTIFY_SOCKET=" + address + ": errno "
                    + RUNTIME.getLastError());
        }
    }

    /** Sends one datagram; the service manager reads it whole. */
    void send(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        long sent = LIBC.sendto(fd, buffer, bytes.length, MSG_NOSIGNAL, sockaddr, sockaddrLength);
        if (sent != bytes.length) {
            throw new IOException("sending to NOTIFY_SOCKET=" + address + " failed: "
                    + (sent < 0 ? "errno " + RUNTIME.getLastError() : sent + " of " + bytes.length + " bytes sent"));
        }
    }

    @Override
    public void close() {
        LIBC.close(fd);
    }
}
