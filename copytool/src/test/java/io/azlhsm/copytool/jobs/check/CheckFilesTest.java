package io.azlhsm.copytool.jobs.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check's bounded-memory pieces on a local directory: the sorted walk, the spill join, the report. */
class CheckFilesTest {
    @TempDir
    Path dir;

    @Test
    void theWalkYieldsPathsInBlobListingOrder() throws Exception {
        Path mount = dir.resolve("mnt");
        for (String file : List.of("a.b", "a/x", "a/y/z", "a-", "b", "a0", ".azlhsm/job", "ab/c")) {
            Files.createDirectories(mount.resolve(file).getParent());
            Files.writeString(mount.resolve(file), file);
        }
        Files.createSymbolicLink(mount.resolve("a/l"), Path.of("x"));
        List<String> seen = new ArrayList<>();
        SortedTreeWalk walk = new SortedTreeWalk(mount, mount, (p, e) -> {
            throw new AssertionError(p + ": " + e);
        });
        for (SortedTreeWalk.Entry e = walk.next(); e != null; e = walk.next()) {
            seen.add(e.relative());
        }
        List<String> sorted = new ArrayList<>(seen);
        sorted.sort(String::compareTo);
        assertEquals(sorted, seen, "in String order, as a listing of their blob names");
        assertEquals(List.of("a-", "a.b", "a/l", "a/x", "a/y/z", "a0", "ab/c", "b"), seen,
                "the job's own .azlhsm is left out");
    }

    @Test
    void theJoinClaimsTheBlobsRecordedElsewhereChunkByChunk() throws Exception {
        List<String> claimed = new ArrayList<>();
        List<String> unclaimed = new ArrayList<>();
        try (UnclaimedBlobs blobs = new UnclaimedBlobs(dir.resolve("join"))) {
            int count = UnclaimedBlobs.CHUNK + 10;
            for (int i = 0; i < 5; i++) {
                blobs.addBlob(new UnclaimedBlobs.Blob("b" + i, "E" + i, i, -1, i % 2 == 0 ? "[0x1:0x2:0x0]" : null,
                        true));
            }
            for (int i = 0; i < count; i++) {
                // b1 with its ETag, b3 with another one, in the second chunk
                blobs.addClaim(i == count - 1 ? "b1" : i == count - 2 ? "b3" : "x" + i, i == count - 2 ? "other"
                        : i == count - 1 ? "E1" : "E");
            }
            blobs.resolve(new UnclaimedBlobs.Outcome() {
                @Override
                public void claimed(UnclaimedBlobs.Blob blob) {
                    claimed.add(blob.name());
                }

                @Override
                public void unclaimed(UnclaimedBlobs.Blob blob) {
                    unclaimed.add(blob.name() + "/" + blob.fid());
                }
            });
        }
        assertEquals(List.of("b1"), claimed);
        assertEquals(List.of("b0/[0x1:0x2:0x0]", "b2/[0x1:0x2:0x0]", "b3/null", "b4/[0x1:0x2:0x0]"), unclaimed);
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count(), "scratch files are deleted");
        }
    }

    @Test
    void theReportListsLostFirstAndCountsEveryClass() throws Exception {
        Path json = dir.resolve("r.json");
        try (CheckReport report = new CheckReport(json)) {
            report.add(new CheckItem(CheckClass.OK, "a", null, "a", "", 10, true));
            report.add(new CheckItem(CheckClass.FOREIGN_BLOB, "b,\"c\"", null, "b", "no \"fid\"\n", 5, false));
            report.add(new CheckItem(CheckClass.LOST, "d", "[0x1:0x2:0x0]", "d", "gone", 7, true));
            report.error();
            report.finish(Map.of("job", "check-1"));
        }
        CheckReportFile read = CheckReportFile.read(json);
        assertEquals(1, read.count("ok"));
        assertEquals(1, read.count("lost"));
        assertEquals(0, read.count("stale-stub"));
        assertEquals("lost", read.items().get(0).get("class"));
        assertEquals("b,\"c\"", read.items().get(1).get("path"));
        assertEquals("no \"fid\"\n", read.items().get(1).get("detail"));
        assertEquals("check-1", read.document().get("job"));
        String csv = Files.readString(dir.resolve("r.csv"));
        assertEquals("path,fid,blob,class,detail\r\nd,[0x1:0x2:0x0],d,lost,gone\r\n"
                + "\"b,\"\"c\"\"\",,b,foreign-blob,\"no \"\"fid\"\"\n\"\r\n", csv);
        try (var files = Files.list(dir)) {
            assertTrue(files.allMatch(f -> f.getFileName().toString().matches("r\\.(json|csv)")),
                    "only the report and the CSV remain");
        }
    }
}
