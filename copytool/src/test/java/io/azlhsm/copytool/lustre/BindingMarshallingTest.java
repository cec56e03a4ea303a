package io.azlhsm.copytool.lustre;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binding's typed API against native-shim's libllapi_echo.so, whose entry points are compiled against the
 * real prototypes and report the arguments they receive. Checks marshalling (argument order and width, out
 * parameters, struct pointers, errno mapping), not Lustre behaviour: that is the simulator's job.
 */
class BindingMarshallingTest {
    /** The echo library's one extra entry point. */
    public interface EchoLog {
        int llapi_echo_last_call(Pointer buf, int len);
    }

    static LustreLibrary library;
    static EchoLog echo;

    @BeforeAll
    static void load() {
        String path = Path.of(System.getProperty("azlhsm.native.dir"), "libllapi_echo.so").toString();
        library = LustreLibrary.load(path);
        echo = LibraryLoader.create(EchoLog.class).failImmediately().load(path);
    }

    static String lastCall() {
        Pointer buf = Memory.allocateDirect(Runtime.getSystemRuntime(), 8192, true);
        echo.llapi_echo_last_call(buf, 8192);
        return buf.getString(0, 8192, StandardCharsets.UTF_8);
    }

    @Test
    void registrationReceivesAndUnregisters() throws Exception {
        try (CopytoolRegistration ct = CopytoolRegistration.register(library, Path.of("/mnt/echo"),
                new int[] {2, 5}, true)) {
            assertEquals("llapi_hsm_copytool_register mnt=/mnt/echo archive_count=2 archives=2,5 rfd_flags=2048",
                    lastCall());
            assertEquals(17, ct.fd());

            HsmActionList list = ct.receiveIfReady().orElseThrow();
            assertEquals("echofs", list.fsname());
            assertEquals(77, list.compoundId());
            assertEquals(2, list.archiveId());
            HsmActionItem item = list.items().get(0);
            assertEquals(HsmCopytoolAction.ARCHIVE, item.action());
            assertEquals("0x200000401:0x5:0x0", item.fid().toString());
            assertEquals("abc", item.dataAsText());
            assertEquals(Optional.empty(), ct.receiveIfReady(), "EAGAIN is 'nothing yet'");
            LustreException eagain = assertThrows(LustreException.class, () -> {
                ct.receive();
                ct.receive();
            });
            assertEquals("EAGAIN", eagain.errnoName());
        }
        assertEquals("llapi_hsm_copytool_unregister priv=set", lastCall());
    }

    @Test
    void blockingRegistrationForAllArchives() throws Exception {
        CopytoolRegistration ct = CopytoolRegistration.register(library, Path.of("/mnt/echo"), new int[0], false);
        assertEquals("llapi_hsm_copytool_register mnt=/mnt/echo archive_count=0 archives= rfd_flags=0", lastCall());
        ct.close();
        ct.close();
        assertThrows(IllegalStateException.class, ct::fd);
    }

    @Test
    void registrationFailureCarriesErrnoCallAndMount() {
        LustreException e = assertThrows(LustreException.class,
                () -> CopytoolRegistration.register(library, Path.of("/fail-2"), new int[] {1}, false));
        assertEquals(2, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("llapi_hsm_copytool_register", e.call());
        assertTrue(e.subject().startsWith("/fail-2"), e.subject());
    }

    @Test
    void copyActionPassesTheItemAndReportsProgressAndEndOnce() throws Exception {
        try (CopytoolRegistration ct = CopytoolRegistration.register(library, Path.of("/mnt/echo"), new int[] {2},
                false)) {
            HsmActionItem item = ct.receive().items().get(0);
            CopyAction action = CopyAction.begin(ct, item, -1, 0x100, false);
            assertEquals("llapi_hsm_action_begin priv=set hai_len=75 action=20 fid=0x200000401:0x5:0x0 "
                    + "cookie=49344 data=616263 mdt=-1 open_flags=256 is_error=0", lastCall());

            assertEquals(23, action.fd());
            assertEquals(LuFid.parse("0x200000401:0x6:0x0"), action.dataFid());

            action.progress(1L << 20, 4096, 5_000_000_000L, HsmProgressFlags.NONE);
            assertEquals("llapi_hsm_action_progress hcp=set offset=1048576 length=4096 total=5000000000 flags=0",
                    lastCall());
            LustreException cancelled = assertThrows(LustreException.class,
                    () -> action.progress(1L << 30, 1, 0, 0));
            assertEquals(Errno.ECANCELED, cancelled.errno());
            assertTrue(cancelled.subject().contains("[0x200000401:0x5:0x0]"), cancelled.subject());

            assertTrue(action.end(0, HsmExtent.TO_EOF, HsmProgressFlags.RETRY, Errno.ECANCELED));
            assertEquals("llapi_hsm_action_end hcp=set offset=0 length=18446744073709551615 flags=2 errval=125",
                    lastCall());
            assertFalse(action.end(0, 0, 0, 0), "a second end does nothing");
            assertEquals("llapi_hsm_action_end hcp=set offset=0 length=18446744073709551615 flags=2 errval=125",
                    lastCall());
            assertThrows(IllegalStateException.class, () -> action.progress(0, 1, 0, 0));
        }
    }

    @Test
    void failedEndStillEndsTheAction() throws Exception {
        try (CopytoolRegistration ct = CopytoolRegistration.register(library, Path.of("/mnt/echo"), new int[] {2},
                false)) {
            CopyAction action = CopyAction.begin(ct, ct.receive().items().get(0), 0, 0, true);
            assertTrue(lastCall().endsWith("is_error=1"), lastCall());
            LustreException e = assertThrows(LustreException.class, () -> action.end(0, 0, 0, Errno.EIO));
            assertEquals("EIO", e.errnoName());
            assertTrue(action.isEnded());
            assertFalse(action.end(0, 0, 0, 0));
        }
    }

    @Test
    void beginFailureIsReported() throws Exception {
        try (CopytoolRegistration ct = CopytoolRegistration.register(library, Path.of("/mnt/echo"), new int[] {2},
                false)) {
            HsmActionItem received = ct.receive().items().get(0);
            byte[] raw = received.raw();
            byte[] withFailure = Arrays.copyOf(raw, HsmActionItem.HEADER_SIZE + 6);
            byte[] data = "fail-5".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(data, 0, withFailure, HsmActionItem.HEADER_SIZE, data.length);
            ByteBuffer.wrap(withFailure).order(ByteOrder.LITTLE_ENDIAN).putInt(0, withFailure.length);
            HsmActionItem item = new HsmActionItem(received.actionCode(), received.fid(), received.dfid(),
                    received.extent(), received.cookie(), received.gid(), data, withFailure);
            LustreException e = assertThrows(LustreException.class, () -> CopyAction.begin(ct, item, -1, 0, false));
            assertEquals("EIO", e.errnoName());
            assertEquals("llapi_hsm_action_begin", e.call());
        }
    }

    @Test
    void hsmFilesMarshalStatesRequestsAndImports() throws Exception {
        HsmFiles files = new HsmFiles(library);

        HsmUserState state = files.state(Path.of("/mnt/echo/f"));
        assertEquals("llapi_hsm_state_get path=/mnt/echo/f", lastCall());
        assertEquals("(0x0000000d) released exists archived, archive_id:4", state.lfsDescription());
        assertEquals(HsmUserAction.RESTORE, state.inProgressAction());
        assertEquals(new HsmExtent(10, 20), state.inProgressLocation());
        assertEquals(state, files.state(9));
        assertEquals("llapi_hsm_state_get_fd fd=9", lastCall());

        files.setState(Path.of("/mnt/echo/f"), HsmStates.NORELEASE, HsmStates.DIRTY | (1L << 40), 3);
        assertEquals("llapi_hsm_state_set path=/mnt/echo/f set=16 clear=1099511627778 archive_id=3", lastCall());
        files.setState(4, HsmStates.ARCHIVED, 0, -1);
        assertEquals("llapi_hsm_state_set_fd fd=4 set=8 clear=0 archive_id=4294967295", lastCall());

        HsmCurrentAction current = files.currentAction(Path.of("/mnt/echo/f"));
        assertEquals(HsmProgressState.WAITING, current.state());
        assertEquals(HsmUserAction.ARCHIVE, current.action());
        assertTrue(current.location().reachesEof());

        files.request(Path.of("/mnt/echo"), HsmUserAction.ARCHIVE, 2, HsmRequestFlags.FORCE_ACTION,
                List.of(LuFid.parse("0x200000401:0x1:0x0"), LuFid.parse("0x200000401:0x2:0x0")),
                "k=v".getBytes(StandardCharsets.US_ASCII));
        assertEquals("llapi_hsm_request path=/mnt/echo action=10 archive_id=2 flags=1 itemcount=2 data_len=3 "
                + "items=0x200000401:0x1:0x0@0+18446744073709551615,0x200000401:0x2:0x0@0+18446744073709551615 "
                + "data=6b3d76", lastCall());
        LustreException denied = assertThrows(LustreException.class, () -> files.request(Path.of("/fail-1"),
                HsmUserAction.RESTORE, 0, 0, List.of(), new byte[0]));
        assertEquals("EPERM", denied.errnoName());

        LuFid fid = files.importFile(Path.of("/mnt/echo/imported"), 6,
                new ImportAttributes(12345, 0644, 1000, 100, 1_700_000_000L, 5, 1_600_000_000L, 7));
        assertEquals("llapi_hsm_import dst=/mnt/echo/imported archive=6 size=12345 mode=100644 uid=1000 gid=100 "
                + "atime=1700000000.000000005 mtime=1600000000.000000007 stripe_size=0 stripe_offset=-1 "
                + "stripe_count=0 pattern=0 pool=(null)", lastCall());
        assertEquals(new LuFid(0x200000bbbL, 6, 0), fid);
    }

    @Test
    void fidsAndDataVersions() throws Exception {
        LustreFids fids = new LustreFids(library);
        assertEquals(new LuFid(0x200000401L, "/mnt/echo/abc".length(), 0), fids.path2fid(Path.of("/mnt/echo/abc")));
        assertEquals(new LuFid(0x200000402L, 12, 1), fids.fd2fid(12));

        LustreFids.FidPath first = fids.fid2path(Path.of("/mnt/echo"), LuFid.parse("0x200000401:0x1:0x0"), 0);
        assertEquals("llapi_fid2path device=/mnt/echo fid=[0x200000401:0x1:0x0] pathlen=4096 recno=-1 linkno=0",
                lastCall());
        assertEquals(new LustreFids.FidPath("dir/file-0", 1), first);
        assertEquals("dir/file-1", fids.fid2path(Path.of("/mnt/echo"), LuFid.parse("0x1:0x1:0x0"), 1)
                .relativePath());
        LustreException e = assertThrows(LustreException.class,
                () -> fids.fid2path(Path.of("/fail-2"), LuFid.parse("0x1:0x1:0x0"), 0));
        assertTrue(e.getMessage().contains("[0x1:0x1:0x0]") && e.getMessage().contains("ENOENT"), e.getMessage());

        DataVersions versions = new DataVersions(library);
        assertEquals(0x100000000L + 8, versions.dataVersion(8, DataVersions.LL_DV_RD_FLUSH));
        assertEquals("llapi_get_data_version fd=8 flags=1", lastCall());
        versions.setArchivedVersion(8, -2L);
        assertEquals("llapi_hsm_data_version_set fd=8 dv=18446744073709551614", lastCall());
    }

    @Test
    void changelogReaderDecodesFreesAndFinishes() throws Exception {
        try (ChangelogReader reader = ChangelogReader.start(library, "echo-MDT0000",
                ChangelogFlags.FOLLOW | ChangelogFlags.JOBID, 499)) {
            assertEquals("llapi_changelog_start flags=5 mdt=echo-MDT0000 startrec=499", lastCall());
            assertEquals(31, reader.fd());
            ChangelogRecord rec = reader.next().orElseThrow();
            assertEquals("llapi_changelog_recv delivered=0; llapi_changelog_free rec=set", lastCall());
            assertEquals(ChangelogRecordType.CREATE, rec.type());
            assertEquals(500, rec.index());
            assertEquals(Optional.of("cp.0"), rec.jobId());
            assertEquals("newfile", rec.name());
            assertEquals(Optional.empty(), reader.next());
        }
        assertEquals("llapi_changelog_fini priv=set", lastCall());
        ChangelogReader.clear(library, "echo-MDT0000", "cl1", 500);
        assertEquals("llapi_changelog_clear mdt=echo-MDT0000 id=cl1 endrec=500", lastCall());
        assertThrows(LustreException.class, () -> ChangelogReader.start(library, "fail-19", 0, 0));
    }

    @Test
    void rawRequestAllocIsBound() {
        Pointer hur = library.api().llapi_hsm_user_request_alloc(3, 10);
        assertEquals("llapi_hsm_user_request_alloc itemcount=3 data_len=10", lastCall());
        byte[] header = new byte[24];
        hur.get(0, header, 0, 24);
        assertArrayEquals(new byte[24], header);
    }
}
