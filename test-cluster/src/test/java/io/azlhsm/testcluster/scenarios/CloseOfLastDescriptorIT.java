package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.ClusterExtension;
import io.azlhsm.testcluster.harness.Copytool;
import io.azlhsm.testcluster.harness.TestClusterHome;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.Namespace;
import io.azlhsm.testcluster.namespace.Xattrs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A write open is closed on the MDT inside the close(2) of its last descriptor, as a Lustre client's close RPC is: the
 * MTIME and CLOSE records, the DIRTY flag and the end of the open come before close(2) returns, so the caller's next
 * request sees them (the kernel's FUSE RELEASE, which the simulated client used before, is queued without being
 * waited for: a link right after a close could be recorded before the close). Descriptors that share the open
 * (dup, a shell's redirections) close it once, at the last.
 */
@ExtendWith(ClusterExtension.class)
class CloseOfLastDescriptorIT {
    private static Cluster cluster;
    private static Copytool copytool;
    private Path dir;

    @BeforeAll
    static void register(Cluster c) {
        cluster = c;
        c.lctlOnMds("--device", c.mdt(), "changelog_register").out();
        copytool = c.startPosixCopytool();
    }

    @BeforeEach
    void testDirectory(TestInfo info) {
        assertTrue(copytool.isAlive(), copytool.log());
        dir = TestFiles.directory(cluster.mount(), info.getTestMethod().orElseThrow().getName());
    }

    @Test
    void theCloseIsRecordedBeforeTheCallersNextRequest() throws Exception {
        long start = lastIndex();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Path f = dir.resolve("f" + i);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            }
            Files.createLink(dir.resolve("h" + i), f); // the very next request
            files.add(f);
        }
        List<String> lines = since(start);
        for (Path f : files) {
            String fid = cluster.fid(f);
            assertEquals(List.of("01CREAT", "17MTIME", "11CLOSE", "03HLINK"), typesOf(lines, fid),
                    f + " (" + fid + ") in\n" + String.join("\n", lines));
        }
    }

    @Test
    void aModifiedFileIsDirtyWhenCloseReturns() throws Exception {
        Path f = TestFiles.create(dir.resolve("f"), 1000);
        cluster.lfs("hsm_archive", f.toString()).out();
        cluster.awaitFlags(f, 0x9);
        Files.write(f, new byte[] {9}, StandardOpenOption.APPEND);
        // read at once through the mount (not through a process that takes milliseconds to start)
        HsmAttributes hsm = HsmAttributes.decode(Xattrs.get(f, Namespace.HSM));
        assertEquals(0xb, hsm.flags(), "exists dirty archived right after close(2): " + hsm);
    }

    @Test
    void sharedDescriptorsCloseTheOpenOnceAtTheLast() throws Exception {
        Path lfs = TestClusterHome.directory().resolve("bin/lfs");
        // fd 3 written, dup'd to 4 and closed; a child process inherits 4 and exits; 4 written and closed; then a
        // redirection of an external command (bash opens, dup2s onto stdout and closes the first descriptor)
        String script = """
                set -eu
                exec 3> f
                echo a >&3
                exec 4>&3
                exec 3>&-
                "$1" changelog "$2" > "$3"
                echo b >&4
                exec 4>&-
                /bin/echo c > g
                """;
        Path between = Files.createTempFile("changelog-between-", ".txt");
        try {
            long start = lastIndex();
            Process p = new ProcessBuilder("bash", "-c", script, "bash", lfs.toString(), cluster.mdt(),
                    between.toString()).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);

            List<String> lines = since(start);
            String f = cluster.fid(dir.resolve("f"));
            String g = cluster.fid(dir.resolve("g"));
            assertEquals("a\nb\n", Files.readString(dir.resolve("f")));
            String whileOpen = Files.readString(between);
            assertTrue(whileOpen.lines().noneMatch(l -> l.contains(" 11CLOSE ") && l.contains(" t=" + f + " ")),
                    "no CLOSE while descriptor 4 was open:\n" + whileOpen);
            assertEquals(List.of("01CREAT", "17MTIME", "11CLOSE"), typesOf(lines, f), String.join("\n", lines));
            assertEquals(List.of("01CREAT", "17MTIME", "11CLOSE"), typesOf(lines, g), String.join("\n", lines));
        } finally {
            Files.deleteIfExists(between);
        }
    }

    private static List<String> typesOf(List<String> lines, String fid) {
        return lines.stream().filter(l -> l.contains(" t=" + fid + " ") || l.endsWith(" t=" + fid))
                .map(l -> l.split(" ")[1]).toList();
    }

    private List<String> since(long after) {
        return cluster.lfs("changelog", cluster.mdt(), Long.toString(after + 1)).out().lines().toList();
    }

    private long lastIndex() {
        List<String> all = cluster.lfs("changelog", cluster.mdt()).out().lines().toList();
        return all.isEmpty() ? 0 : Long.parseLong(all.get(all.size() - 1).split(" ")[0]);
    }
}
