package io.azlhsm.copytool.pipeline;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;

/**
 * How much direct memory this JVM lets the ring allocate, so that a ring larger than the JVM allows fails at start with
 * a sentence naming the fix instead of an {@link OutOfMemoryError} from deep inside the Disruptor.
 */
public final class DirectMemoryLimit {
    private DirectMemoryLimit() {
    }

    /** Bytes of direct buffers allowed: -XX:MaxDirectMemorySize, or the heap's maximum when it is unset (0). */
    static long bytes() {
        try {
            String value = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("MaxDirectMemorySize").getValue();
            long configured = Long.parseLong(value);
            return configured > 0 ? configured : Runtime.getRuntime().maxMemory();
        } catch (RuntimeException notHotSpot) {
            return Long.MAX_VALUE; // another JVM: let the allocation itself decide
        }
    }

    /** Refuses a memory budget whose buffers cannot all be allocated. */
    public static void check(PipelineSettings settings) {
        long allowed = bytes();
        if (settings.memoryBudget() > allowed) {
            throw new IllegalStateException(String.format(
                    "the data buffers (the ring, pipeline.ring_size %d x pipeline.chunk_size %d MiB = %d MiB, plus"
                            + " %d MiB of small-file and streamed-block buffers) exceed the JVM's direct memory"
                            + " limit of %d MiB; raise -XX:MaxDirectMemorySize in COPYTOOL_JAVA_OPTS or make the ring"
                            + " smaller",
                    settings.ringSize(), settings.chunkSize() >> 20, settings.ringBytes() >> 20,
                    (settings.inlineBytes() + settings.streamBytes()) >> 20, allowed >> 20));
        }
    }
}
