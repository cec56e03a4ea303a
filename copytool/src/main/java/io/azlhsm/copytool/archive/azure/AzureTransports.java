package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import io.azlhsm.copytool.archive.ChunkSizing;

/**
 * Which HTTP client carries a request: {@code small} for a whole small object (one Put Blob of at most
 * {@code smallBodyLimit} bytes) and for every ranged download, {@code large} for everything else (blocks, requests
 * without data).
 *
 * <p>Why two: OkHttp costs about half the JDK client's CPU per request (AzureHttpClientBenchmarkIT, 2,000 x 64 KiB
 * from 16 threads: put 1.74 against 3.47 ms, get 0.97 against 2.88 ms), and the JDK client's share was about half
 * the agent's CPU per small file; but OkHttp copies each request and response body through its own heap buffers, so
 * with 8 MiB blocks through it the benchmark's memory scenario peaked at 298 MiB RSS for a 128 MiB ring (JDK client:
 * 244 MiB; the bench's limit then: 256 MiB).
 * Up to 1 MiB per request OkHttp still costs less (same benchmark, 200 x 1 MiB, warm round on a loaded 2-core
 * machine: put 9.7 against 11.9 ms, get 8.9 against 14.8 ms) and its copies stay bounded: at most
 * {@code max_concurrency} (32 by default) x 1 MiB of heap at once, inside the agent's 192 MiB heap.
 *
 * <p>Downloads of any size go through {@code small}: OkHttp streams a response body to the caller in 4 KiB pieces
 * (the storage SDK's OkHttp response), so a large range holds no more of the heap than a small one, and it cost less
 * CPU: 1 GiB restored from Azurite in 8 MiB ranges, test-cluster/bench large scenario, four repetitions each in
 * alternating runs on a quiet 2-core machine, 3.91-5.36 CPU s/GiB and 157-266 MiB/s against the JDK client's
 * 5.35-6.05 s/GiB and 130-213 MiB/s. The copies that made OkHttp costly in memory are of request bodies (uploads).
 *
 * <p>Requests without a body of data (properties, delete, list, commit) stay on the JDK client, as before: a small
 * file's archive is one Put Blob and its restore one GET, so they are what the CPU per small file is made of. A
 * request through either transport ends when the calling thread is interrupted (a canceled action): the storage SDK
 * waits for it in a way an interrupt ends (InterruptedAzureCallTest covers a small Put Blob and a small GET).
 *
 * @param small          the client for whole small objects
 * @param large          the client for everything else
 * @param smallBodyLimit the largest body, in bytes, that goes through {@code small}
 */
public record AzureTransports(HttpClient small, HttpClient large, long smallBodyLimit) {
    /** 1 MiB: measured still cheaper through OkHttp, and its heap copies stay bounded (see above). */
    public static final long SMALL_BODY_LIMIT = ChunkSizing.MIB;

    /** One client for every request (tests that inject faults, comparisons of one transport). */
    public static AzureTransports only(HttpClient client) {
        return new AzureTransports(client, client, SMALL_BODY_LIMIT);
    }

    /** True when an upload whose body is {@code bytes} long goes through {@code small} (downloads always do). */
    public boolean isSmall(long bytes) {
        return bytes <= smallBodyLimit;
    }

    /** True when every request uses one client. */
    boolean single() {
        return small == large;
    }
}
