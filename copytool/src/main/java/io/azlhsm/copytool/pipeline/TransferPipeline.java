package io.azlhsm.copytool.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The running ring: stages wired read → checksum → write → completion, and the publisher thread feeding it.
 *
 * <p>Stage threads wait with {@link IoStageWaitStrategy}: blocked while nothing is published (an idle agent costs
 * no CPU), parking with backoff while an upstream stage does its I/O. Data movers share their cores with the Lustre
 * client; neither busy-spinning nor frequent wake-ups are acceptable there.
 */
public final class TransferPipeline implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TransferPipeline.class.getName());

    private final PipelineSettings settings;
    private final Disruptor<TransferEvent> disruptor;
    private final ChunkPublisher publisher;
    private final Thread publisherThread;
    private final InlineLane inline;
    private final long idleNanos;
    private volatile long lastSubmitNanos = System.nanoTime();

    /**
     * How long the pipeline must have been given nothing to move, with every chunk through, before its buffers' memory
     * goes back to the kernel ({@link #releaseIdleMemory}). Getting it back costs a page fault per 4 KiB at the next
     * use (a few tens of milliseconds of CPU for a 512 MiB ring), nothing a data mover idle for this long would notice,
     * while a ring kept resident holds hundreds of MiB of the node's memory for nothing between bursts.
     */
    public static final long IDLE_BEFORE_RELEASE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /**
     * @param finisher runs {@link Transfer#finish()}: commits and action ends, off the ring's threads
     */
    public TransferPipeline(PipelineSettings settings, Executor finisher) {
        this(settings, finisher, IDLE_BEFORE_RELEASE_NANOS);
    }

    /** As above, giving the buffers' memory back after {@code idleNanos} without work (tests shorten it). */
    TransferPipeline(PipelineSettings settings, Executor finisher, long idleNanos) {
        this.settings = settings;
        this.idleNanos = idleNanos;
        DirectMemoryLimit.check(settings);
        this.disruptor = new Disruptor<>(() -> new TransferEvent(settings.chunkSize()), settings.ringSize(),
                namedThreads("pipeline"), ProducerType.SINGLE,
                new IoStageWaitStrategy());
        // allocateDirect zeroed every slot's buffer, which made it all resident: an agent that has moved nothing yet
        // should not hold the whole ring (no stage runs yet, so no slot is in use)
        releaseRing();
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());

        disruptor.handleEventsWith(stages(settings.readers(), true))
                .then(checksumLanes(settings))
                .then(stages(settings.writers(), false))
                .then(new CompletionStage(finisher));
        disruptor.start();

        this.inline = new InlineLane(settings.chunkSize(), settings.inlineLanes());
        this.publisher = new ChunkPublisher(disruptor.getRingBuffer(), finisher, idleNanos, this::releaseIdleMemory);
        this.publisherThread = namedThreads("pipeline-publisher").newThread(publisher);
        publisherThread.start();
    }

    public PipelineSettings settings() {
        return settings;
    }

    /**
     * Moves a transfer. A small file (one chunk of at most {@link InlineLane#LIMIT}) is moved on the calling thread,
     * {@code finish()} included, and this returns when it has ended, if an inline lane is free; any other transfer's
     * chunks are queued for the ring, this returns at once, and its {@code finish()} runs on the finisher when the
     * last chunk is done.
     */
    public void submit(Transfer transfer) {
        lastSubmitNanos = System.nanoTime();
        publisher.activity();
        if (inline.accepts(transfer) && inline.run(transfer)) {
            return;
        }
        if (transfer.layout().chunkSize() > settings.chunkSize()) {
            throw new IllegalArgumentException("transfer chunk size " + transfer.layout().chunkSize()
                    + " exceeds the ring's " + settings.chunkSize());
        }
        publisher.submit(transfer);
    }

    /**
     * Run by the publisher when it has had nothing to publish for {@code idleNanos} and the ring is drained: no slot
     * is in use and none can be claimed meanwhile (the publisher, the ring's only producer, is here). A transfer moved
     * in an inline lane meanwhile keeps its lane (only free lanes are released), and one submitted less than
     * {@code idleNanos} ago means the agent is not idle: nothing is released then.
     */
    private boolean releaseIdleMemory() {
        if (System.nanoTime() - lastSubmitNanos < idleNanos) {
            return false;
        }
        long released = releaseRing() + inline.releaseFreeLanes();
        LOG.fine(() -> "idle: gave " + (released >> 20) + " MiB of data buffers back to the kernel");
        return true;
    }

    /** Every slot's buffer (tests look at what of them is resident). */
    List<ByteBuffer> ringBuffers() {
        List<ByteBuffer> buffers = new ArrayList<>();
        for (int slot = 0; slot < settings.ringSize(); slot++) {
            buffers.add(disruptor.getRingBuffer().get(slot).buffer());
        }
        return buffers;
    }

    /** The inline lanes' buffers not in use now (tests look at what of them is resident). */
    List<ByteBuffer> freeLaneBuffers() {
        return inline.freeBuffers();
    }

    private long releaseRing() {
        long released = 0;
        for (ByteBuffer buffer : ringBuffers()) {
            released += IdlePages.release(buffer);
        }
        return released;
    }

    /** Transfers of the given priority still waiting to get all their chunks into the ring. */
    public int waitingTransfers(Transfer.Priority priority) {
        return publisher.waiting(priority);
    }

    /** Slots currently holding chunks (published but not yet through the last stage). */
    public long chunksInFlight() {
        return settings.ringSize() - disruptor.getRingBuffer().remainingCapacity();
    }

    /** Stops taking chunks and waits for those in the ring to pass every stage. */
    @Override
    public void close() {
        publisher.stop();
        try {
            publisherThread.join(TimeUnit.SECONDS.toMillis(30));
            disruptor.shutdown(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            disruptor.halt();
        } catch (com.lmax.disruptor.TimeoutException e) {
            LOG.warning("pipeline did not drain within 30 s; halting it");
            disruptor.halt();
        }
    }

    /**
     * One checksum lane per core the readers can keep busy: more lanes than cores only add hand-offs, fewer leave
     * concurrent transfers queued behind one digest.
     */
    @SuppressWarnings("unchecked")
    private static EventHandler<TransferEvent>[] checksumLanes(PipelineSettings settings) {
        int lanes = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), settings.readers()));
        EventHandler<TransferEvent>[] handlers = new EventHandler[lanes];
        for (int i = 0; i < lanes; i++) {
            handlers[i] = new ChecksumStage(i, lanes);
        }
        return handlers;
    }

    @SuppressWarnings("unchecked")
    private static EventHandler<TransferEvent>[] stages(int count, boolean reading) {
        EventHandler<TransferEvent>[] handlers = new EventHandler[count];
        for (int i = 0; i < count; i++) {
            handlers[i] = reading ? new ReadStage(i, count) : new WriteStage(i, count);
        }
        return handlers;
    }

    private static ThreadFactory namedThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stages catch their own failures; anything reaching here is a bug worth a loud log line, not a dead ring. */
    private static final class LoggingExceptionHandler implements ExceptionHandler<TransferEvent> {
        @Override
        public void handleEventException(Throwable ex, long sequence, TransferEvent event) {
            LOG.log(Level.SEVERE, "pipeline stage failed on sequence " + sequence, ex);
            Transfer transfer = event.transfer();
            if (transfer != null) {
                transfer.fail(ex);
            }
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.log(Level.SEVERE, "pipeline stage failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.log(Level.WARNING, "pipeline stage failed to stop", ex);
        }
    }
}
