/**
 * The data path: an LMAX Disruptor ring of file-range events shared by every running transfer.
 *
 * <pre>
 *  ChunkPublisher ──▶ ring ──▶ read stage (N handlers) ──▶ checksum stage (1 lane per core, in order per transfer)
 *                                 ──▶ write stage (N handlers) ──▶ completion stage (1)
 * </pre>
 *
 * <p>Each ring slot owns one preallocated chunk buffer, so {@code ringSize × chunkSize} bytes is the ring's memory,
 * whatever the file sizes; with the small-file lanes and the streamed-block buffers it makes the memory budget
 * ({@link io.azlhsm.copytool.pipeline.PipelineSettings#memoryBudget}). A {@link Transfer} is one HSM action's data movement; it decides what
 * "read" and "write" mean (pread from Lustre and stage a block, or download a range and pwrite into the volatile file).
 * The pipeline only moves chunks through the stages in sequence order, which is what makes an in-order checksum
 * possible while reads and writes run in parallel: each transfer keeps one checksum lane for its life, and lanes on
 * different cores digest different transfers at once. Every stage publishes each finished chunk at once
 * ({@link RingStage}), so the stages overlap chunk by chunk.
 */
package io.azlhsm.copytool.pipeline;
