package io.azlhsm.copytool.lustre;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * A byte range of a file descriptor as an InputStream, read with pread through a small direct buffer.
 *
 * <p>Because every read is positional, the stream supports {@link #mark}/{@link #reset} over the whole range at no
 * cost: an HTTP client that retries a request replays the range by re-reading it from the file, without this stream
 * ever holding more than one small buffer. The descriptor is not closed by {@link #close()}.
 */
public final class FdRangeInputStream extends InputStream {
    private static final int BUFFER_SIZE = 1 << 20;

    private final FdChannel channel;
    private final long start;
    private final long end;
    private final ByteBuffer buffer;
    private long bufferStart;
    private long markPosition;

    /** Streams {@code length} bytes of {@code channel} from {@code offset}; fewer bytes in the file is an error. */
    public FdRangeInputStream(FdChannel channel, long offset, long length) {
        this(channel, offset, length, ByteBuffer.allocateDirect(BUFFER_SIZE));
    }

    /**
     * As above, reading through {@code buffer} (its whole capacity), which the caller owns and may reuse once this
     * stream is no longer read.
     */
    public FdRangeInputStream(FdChannel channel, long offset, long length, ByteBuffer buffer) {
        this.buffer = buffer.clear().limit(0);
        this.channel = channel;
        this.start = offset;
        this.end = offset + length;
        this.bufferStart = offset;
        this.markPosition = offset;
    }

    private long position() {
        return bufferStart + buffer.position();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (!buffer.hasRemaining() && !refill()) {
            return -1;
        }
        int n = Math.min(length, buffer.remaining());
        buffer.get(target, offset, n);
        return n;
    }

    private boolean refill() throws IOException {
        long next = position();
        if (next >= end) {
            return false;
        }
        int want = (int) Math.min(buffer.capacity(), end - next);
        buffer.clear().limit(want);
        int got = channel.readFully(buffer, next);
        if (got < want) {
            throw new IOException("file ended at offset " + (next + got) + " inside a range that ends at " + end);
        }
        buffer.flip();
        bufferStart = next;
        return true;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, end - position());
    }

    @Override
    public long skip(long n) throws IOException {
        long target = Math.min(end, position() + Math.max(0, n));
        long skipped = target - position();
        seek(target);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return true;
    }

    @Override
    public synchronized void mark(int readLimit) {
        markPosition = position();
    }

    @Override
    public synchronized void reset() {
        seek(markPosition);
    }

    private void seek(long target) {
        if (target >= bufferStart && target <= bufferStart + buffer.limit()) {
            buffer.position((int) (target - bufferStart));
        } else {
            bufferStart = target;
            buffer.clear().limit(0);
        }
    }

    /** The offset this stream starts at, for messages. */
    public long startOffset() {
        return start;
    }
}
