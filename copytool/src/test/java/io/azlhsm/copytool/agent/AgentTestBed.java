package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.CommandResult;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;

/**
 * A copytool agent running in the test JVM against a simulated cluster: the production code path (jnr-ffi binding of
 * libhsmsim.so, the same config loading), started from a properties text like an administrator's file.
 */
public final class AgentTestBed implements AutoCloseable {
    public static final int ARCHIVED = 0x09;
    public static final int RELEASED = 0x0d;
    /** Files per lfs command (see {@link #lfs}). */
    public static final int LFS_FILES_PER_COMMAND = 50;

    public final Cluster cluster;
    public final Agent agent;

    private AgentTestBed(Cluster cluster, Agent agent) {
        this.cluster = cluster;
        this.agent = agent;
    }

    /**
     * @param archiveKeys the {@code archive.N.*} and any other keys; mount and library are filled in
     */
    public static AgentTestBed start(Cluster cluster, Path mount, String archiveKeys) throws Exception {
        Properties properties = new Properties();
        properties.load(new java.io.StringReader(archiveKeys));
        properties.setProperty("mount", mount.toString());
        properties.setProperty("lustre.library", TestClusterHome.nativeDirectory().resolve("libhsmsim.so").toString());
        properties.putIfAbsent("pipeline.chunk_size", "1MiB");
        properties.putIfAbsent("pipeline.ring_size", "32");
        properties.putIfAbsent("pipeline.progress_interval", "1s");
        // the agent's per-mount lock lives with the cluster, not in the host's /run/azlhsm
        properties.putIfAbsent("runtime_dir", cluster.root().resolve("agent-run").toString());
        CopytoolConfig config = CopytoolConfig.fromProperties(properties, "test agent");
        return new AgentTestBed(cluster, AgentLauncher.launch(config));
    }

    public Path mount() {
        return cluster.mount();
    }

    /** A file of random bytes (seeded by name and size) created through the client mount. */
    public Path write(String relativePath, long size) throws IOException {
        Path file = mount().resolve(relativePath);
        Files.createDirectories(file.getParent());
        Random random = new Random(relativePath.hashCode() * 31L + size);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                out.write(block, 0, (int) Math.min(block.length, size - written));
            }
        }
        return file;
    }

    /** CRC32C of the file, 4 bytes big-endian, as a posix archive records it. */
    public static byte[] crc32c(Path file) throws Exception {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(Files.readAllBytes(file));
        return java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
    }

    public static byte[] md5(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("MD5");
        try (var in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest.digest();
    }

    /**
     * {@code lfs command options files...}, 50 files to a command: Lustre's client refuses a request of more than 52
     * files with E2BIG (and lfs sends all its files as one request), so scripts split long lists. Returns the last
     * command's result.
     */
    public CommandResult lfs(String command, List<Path> files, String... options) {
        CommandResult result = null;
        for (int from = 0; from == 0 || from < files.size(); from += LFS_FILES_PER_COMMAND) {
            List<String> args = new ArrayList<>();
            args.add(command);
            args.addAll(List.of(options));
            files.subList(from, Math.min(files.size(), from + LFS_FILES_PER_COMMAND)).forEach(f -> args.add(f.toString()));
            result = cluster.lfs(args.toArray(String[]::new));
            if (!result.ok()) {
                throw new AssertionError("lfs " + args + " failed: " + result.stderr());
            }
        }
        return result;
    }

    public void archive(Path... files) {
        lfs("hsm_archive", List.of(files));
    }

    public void release(Path... files) {
        lfs("hsm_release", List.of(files));
    }

    public void restore(Path... files) {
        lfs("hsm_restore", List.of(files));
    }

    public void awaitFlags(Path file, int flags, Duration timeout) {
        Cluster.await("hsm flags 0x" + Integer.toHexString(flags) + " on " + file, timeout,
                () -> cluster.flags(file) == flags);
    }

    /** Waits until the coordinator holds no WAITING or STARTED request for the file's FID. */
    public void awaitIdle(Path file, Duration timeout) {
        String fid = cluster.fid(file);
        Cluster.await("no active request on " + file, timeout, () -> {
            for (String line : cluster.getParam("actions").split("\n")) {
                if (line.contains("fid=" + fid + " ") && (line.contains("status=WAITING")
                        || line.contains("status=STARTED"))) {
                    return false;
                }
            }
            return true;
        });
    }

    @Override
    public void close() {
        agent.stop(Duration.ofSeconds(5));
    }
}
