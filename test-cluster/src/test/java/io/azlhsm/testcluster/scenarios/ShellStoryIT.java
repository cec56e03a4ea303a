package io.azlhsm.testcluster.scenarios;

import io.azlhsm.testcluster.harness.TestClusterHome;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The "done when" story, run as a user would in a shell: cluster up, eval "$(cluster env)", create a file,
 * run the posix copytool in the background, archive, release, restore, read the bytes back, cluster down, and
 * nothing left behind.
 */
class ShellStoryIT {
    private static final String STORY = """
            set -euo pipefail
            root=$1
            cluster=$2
            "$cluster" up --root "$root"
            eval "$("$cluster" env --root "$root")"
            cd "$LUSTRE_MNT"
            head -c 1500000 /dev/urandom > story.bin
            before=$(md5sum < story.bin)
            hsmsim-posix-copytool --hsm-root "$root/archive" "$LUSTRE_MNT" > "$root/copytool.log" 2>&1 &
            ct=$!
            for _ in $(seq 1 100); do lctl get_param -n 'mdt.*.hsm.agents' | grep -q uuid= && break; sleep 0.1; done
            lfs hsm_archive story.bin
            for _ in $(seq 1 100); do lfs hsm_state story.bin | grep -q archived && break; sleep 0.1; done
            lfs hsm_state story.bin
            lfs hsm_release story.bin
            lfs hsm_state story.bin
            lfs hsm_restore story.bin
            for _ in $(seq 1 100); do lfs hsm_state story.bin | grep -q released || break; sleep 0.1; done
            lfs hsm_state story.bin
            after=$(md5sum < story.bin)
            [ "$before" = "$after" ] && echo "bytes match"
            curl -s -o /dev/null -w 'azurite %{http_code}\\n' "http://127.0.0.1:$(cat "$root/run/azurite.port")/devstoreaccount1?comp=list" || true
            cd /
            kill "$ct"; wait "$ct" || true
            "$cluster" down --root "$root"
            """;

    @Test
    void doneWhenStory() throws Exception {
        Path root = Files.createTempDirectory("hsmsim-story-");
        Path script = root.resolve("story.sh");
        Files.writeString(script, STORY);
        Path cluster = TestClusterHome.directory().resolve("bin/cluster");
        Process p = new ProcessBuilder("bash", script.toString(), root.toString(), cluster.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("story.bin: (0x00000009) exists archived, archive_id:1\n"), out);
        assertTrue(out.contains("story.bin: (0x0000000d) released exists archived, archive_id:1\n"), out);
        assertTrue(out.contains("bytes match"), out);

        // cluster down leaves no process and no mount behind
        String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
        assertFalse(mounts.contains(root.toString()), mounts);
        for (String pidFile : new String[] {"daemon.pid", "azurite.pid"}) {
            assertFalse(Files.exists(root.resolve("run").resolve(pidFile)), pidFile + " left behind");
        }
        assertFalse(ProcessHandle.allProcesses().anyMatch(ph -> ph.info().commandLine()
                .map(cl -> cl.contains(root.toString())).orElse(false)), "a process of the cluster is still running");
        deleteTree(root); // only after a clean story: a failed one leaves its logs for inspection
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
