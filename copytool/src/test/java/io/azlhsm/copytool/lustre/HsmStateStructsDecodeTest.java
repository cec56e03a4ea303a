package io.azlhsm.copytool.lustre;

import static io.azlhsm.copytool.lustre.AbiImages.u32;
import static io.azlhsm.copytool.lustre.AbiImages.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decodes the hsm_user_state and hsm_current_action the C side built from its header. */
class HsmStateStructsDecodeTest {
    @TempDir
    static Path dir;
    static Map<String, String> manifest;

    @BeforeAll
    static void buildImages() throws Exception {
        manifest = AbiImages.write(dir);
    }

    @Test
    void userStateMatchesTheCSide() throws Exception {
        byte[] bytes = Files.readAllBytes(dir.resolve("hus.bin"));
        assertEquals(HsmUserState.SIZE, bytes.length);
        HsmUserState hus = HsmUserState.decode(ByteBuffer.wrap(bytes));

        assertEquals(u32(manifest, "hus.states"), hus.states());
        assertEquals(u32(manifest, "hus.archive_id"), hus.archiveId());
        assertEquals(u32(manifest, "hus.in_progress_state"), hus.inProgressStateCode());
        assertEquals(u32(manifest, "hus.in_progress_action"), hus.inProgressActionCode());
        assertEquals(u64(manifest, "hus.location.offset"), hus.inProgressLocation().offset());
        assertEquals(u64(manifest, "hus.location.length"), hus.inProgressLocation().length());
        assertEquals(HsmProgressState.RUNNING, hus.inProgressState());
        assertEquals(HsmUserAction.RESTORE, hus.inProgressAction());
        assertTrue(hus.has(HsmStates.RELEASED | HsmStates.ARCHIVED));
        assertEquals("(0x0000001d) released exists archived never_release, archive_id:7", hus.lfsDescription());
    }

    @Test
    void currentActionMatchesTheCSide() throws Exception {
        byte[] bytes = Files.readAllBytes(dir.resolve("hca.bin"));
        assertEquals(HsmCurrentAction.SIZE, bytes.length);
        HsmCurrentAction hca = HsmCurrentAction.decode(ByteBuffer.wrap(bytes));

        assertEquals(u32(manifest, "hca.state"), hca.stateCode());
        assertEquals(u32(manifest, "hca.action"), hca.actionCode());
        assertEquals(u64(manifest, "hca.location.offset"), hca.location().offset());
        assertEquals(u64(manifest, "hca.location.length"), hca.location().length());
        assertEquals(HsmProgressState.WAITING, hca.state());
        assertEquals(HsmUserAction.ARCHIVE, hca.action());
        assertTrue(hca.location().reachesEof());
    }
}
