/**
 * The data path: an LMAX Disruptor ring of file-range events shared by every running transfer.
 *
 * <pre>
 *  ChunkPublisher ──▶ ring ──▶ read stage (N handlers) ──▶ checksum stage (1, in order)
 *                                 ──▶ write stage (N handlers) ──▶ completion stage (1)
 * </pre>
 *
 * <p>Each ring slot owns one preallocated chunk buffer, so {@code ringSize × chunkSize} bytes is the whole memory the
 * data path can use, whatever the file sizes. A {@link Transfer} is one HSM action's data movement; it decides what
 * "read" and "write" mean (pread from Lustre and stage a block, or download a range and pwrite into the volatile file).
 * The pipeline only moves chunks through the stages in sequence order, which is what makes a single in-order checksum
 * stage possible while reads and writes run in parallel.
 */
package io.azlhsm.copytool.pipeline;
