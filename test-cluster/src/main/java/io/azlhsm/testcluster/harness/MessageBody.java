package io.azlhsm.testcluster.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Copies one HTTP/1.1 message body from one connection to another by its framing (Content-Length, chunked, or up to
 * the end of the connection), optionally inverting the byte at one offset of the body's content. Chunked framing
 * (sizes, extensions, trailers) is copied as it came; only content bytes count towards the offset, and the
 * inverted byte keeps every length, so the receiver sees a well-formed message with one wrong byte.
 */
final class MessageBody {
    /** Framing value of {@link #copy}'s {@code contentLength} for a body that ends when the connection does. */
    static final long UNTIL_CLOSE = -1;
    /** {@link #copy}'s {@code flipAt} for a body copied unchanged. */
    static final long NO_FLIP = -1;

    private final InputStream in;
    private final OutputStream out;
    private final long flipAt;
    private final Runnable onFlip;
    private final byte[] buffer = new byte[64 << 10];
    private long contentOffset;
    private boolean flipped;

    private MessageBody(InputStream in, OutputStream out, long flipAt, Runnable onFlip) {
        this.in = in;
        this.out = out;
        this.flipAt = flipAt;
        this.onFlip = onFlip;
    }

    /**
     * @param contentLength the Content-Length, or {@link #UNTIL_CLOSE}; ignored when {@code chunked}
     * @param flipAt        offset in the body's content of the byte to invert, or {@link #NO_FLIP}
     * @param onFlip        run once the byte is inverted and before it is sent, so that whoever counts corrupted
     *                      responses has counted this one before the client can have read it
     * @return whether a byte was inverted (false when the body is shorter than {@code flipAt})
     */
    static boolean copy(InputStream in, OutputStream out, boolean chunked, long contentLength, long flipAt,
                        Runnable onFlip) throws IOException {
        MessageBody body = new MessageBody(in, out, flipAt, onFlip);
        if (chunked) {
            body.copyChunks();
        } else if (contentLength == UNTIL_CLOSE) {
            body.copyContent(Long.MAX_VALUE, false);
        } else {
            body.copyContent(contentLength, true);
        }
        return body.flipped;
    }

    private void copyChunks() throws IOException {
        while (true) {
            String sizeLine = readLine();
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            int extension = sizeLine.indexOf(';');
            long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = readLine();
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                } while (!trailer.isEmpty());
                return;
            }
            copyContent(size, true);
            copyFraming(2); // the CRLF after the chunk
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    /** Copies {@code count} content bytes (or up to the end when {@code !exact}), inverting the chosen one. */
    private void copyContent(long count, boolean exact) throws IOException {
        while (count > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, count));
            if (n < 0) {
                if (exact) {
                    throw new IOException("connection closed inside a message body");
                }
                return;
            }
            if (flipAt >= contentOffset && flipAt < contentOffset + n) {
                int index = (int) (flipAt - contentOffset);
                buffer[index] = (byte) ~buffer[index];
                flipped = true;
                onFlip.run();
            }
            out.write(buffer, 0, n);
            contentOffset += n;
            count -= n;
        }
    }

    private void copyFraming(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed inside a chunked body");
            }
            out.write(b);
        }
    }
}
