package io.azlhsm.copytool.archive.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The ACL codec: Linux's posix_acl xattr values to a Data Lake x-ms-acl and back, and what each refuses. */
class PosixAclTest {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * What an ext4 file on Linux 6.18 answers getxattr after this value was set on it (mode 0640, then 0670):
     * version 2, user::rw-, user:1000:r-x, group::r--, group:50:rw-, mask::rwx, other::---.
     */
    private static final String FILE_XATTR = "02000000" + "01000600ffffffff" + "02000500e8030000"
            + "04000400ffffffff" + "0800060032000000" + "10000700ffffffff" + "20000000ffffffff";

    @Test
    void anXattrBecomesTheHnsAclWithMaskAndNamedEntriesAsDecimalIds() throws Exception {
        PosixAcl acl = PosixAcl.fromXattrs(HEX.parseHex(FILE_XATTR), null, 0670);
        assertEquals("user::rw-,user:1000:r-x,group::r--,group:50:rw-,mask::rwx,other::---", acl.toHns());
        assertTrue(acl.extended());
        assertArrayEquals(HEX.parseHex(FILE_XATTR), acl.accessXattr(), "encoded back byte for byte");
        assertNull(acl.defaultXattr());
    }

    @Test
    void aDirectorysDefaultEntriesFollowWithTheDefaultScope() throws Exception {
        byte[] access = PosixAcl.encode(PosixAcl.base(0750));
        byte[] defaults = HEX.parseHex("02000000" + "01000700ffffffff" + "02000500d2040000" + "04000500ffffffff"
                + "10000500ffffffff" + "20000000ffffffff");
        PosixAcl acl = PosixAcl.fromXattrs(access, defaults, 0750);
        assertEquals("user::rwx,group::r-x,other::---,default:user::rwx,default:user:1234:r-x,default:group::r-x,"
                + "default:mask::r-x,default:other::---", acl.toHns());
        assertTrue(acl.extended(), "default entries alone make it extended");
        assertFalse(acl.extendedAccess());
        assertArrayEquals(defaults, acl.defaultXattr());
    }

    @Test
    void withoutAnAccessXattrTheModeIsTheAcl() throws Exception {
        PosixAcl acl = PosixAcl.fromXattrs(null, null, 0604);
        assertEquals("user::rw-,group::---,other::r--", acl.toHns());
        assertFalse(acl.extended());
    }

    @Test
    void anHnsAclBecomesXattrsInTheKernelsOrder() throws Exception {
        // the service's order need not be the kernel's: named entries sorted by id, mask after the groups
        PosixAcl acl = PosixAcl.fromHns("user::rw-,user:2000:r--,user:1000:r-x,group::r--,mask::rwx,group:50:rw-,"
                + "other::---");
        assertArrayEquals(HEX.parseHex("02000000" + "01000600ffffffff" + "02000500e8030000" + "02000400d0070000"
                + "04000400ffffffff" + "0800060032000000" + "10000700ffffffff" + "20000000ffffffff"),
                acl.accessXattr());
        assertEquals(acl, PosixAcl.fromXattrs(acl.accessXattr(), null, 0));

        PosixAcl directory = PosixAcl.fromHns("user::rwx,group::r-x,other::---,default:user::rwx,"
                + "default:group:7:r-x,default:group::---,default:mask::r-x,default:other::---");
        assertArrayEquals(HEX.parseHex("02000000" + "01000700ffffffff" + "04000000ffffffff" + "0800050007000000"
                + "10000500ffffffff" + "20000000ffffffff"), directory.defaultXattr());
        assertEquals(directory, PosixAcl.fromXattrs(directory.accessXattr(), directory.defaultXattr(), 0));
    }

    @Test
    void malformedXattrsAreRefusedWithTheReason() {
        assertRefused("not a 4-byte header", HEX.parseHex("020000"));
        assertRefused("not a 4-byte header and 8-byte entries", HEX.parseHex("02000000" + "01000600ffffff"));
        assertRefused("version 1", HEX.parseHex("01000000" + "01000600ffffffff" + "04000400ffffffff"
                + "20000000ffffffff"));
        assertRefused("unknown tag 0x40", HEX.parseHex("02000000" + "01000600ffffffff" + "04000400ffffffff"
                + "40000000ffffffff" + "20000000ffffffff"));
        assertRefused("permissions 0x8", HEX.parseHex("02000000" + "01000800ffffffff" + "04000400ffffffff"
                + "20000000ffffffff"));
        assertRefused("0 other:: entries", HEX.parseHex("02000000" + "01000600ffffffff" + "04000400ffffffff"));
        assertRefused("named entries but no mask", HEX.parseHex("02000000" + "01000600ffffffff" + "02000500e8030000"
                + "04000400ffffffff" + "20000000ffffffff"));
        assertRefused("names user 1000 twice", HEX.parseHex("02000000" + "01000600ffffffff" + "02000500e8030000"
                + "02000400e8030000" + "04000400ffffffff" + "10000700ffffffff" + "20000000ffffffff"));
        assertRefused("without an id", HEX.parseHex("02000000" + "01000600ffffffff" + "02000500ffffffff"
                + "04000400ffffffff" + "10000700ffffffff" + "20000000ffffffff"));
    }

    @Test
    void malformedHnsAclsAreRefusedWithTheReason() {
        assertHnsRefused("empty", "");
        assertHnsRefused("not [default:]type:[id]:permissions", "user::rwx,group::r-x,other");
        assertHnsRefused("permissions are not", "user::rwz,group::r-x,other::---");
        assertHnsRefused("unknown type 'owner'", "owner::rwx,group::r-x,other::---");
        assertHnsRefused("names no one", "user::rwx,group::r-x,mask:5:r-x,other::---");
        assertHnsRefused("not a numeric uid", "user::rwx,user:8d7a5c1e-0f6b-4a51-9d3e-2c4b1a000001:r-x,"
                + "group::r-x,mask::r-x,other::---");
        assertHnsRefused("0 group:: (owning) entries", "user::rwx,other::---");
        assertHnsRefused("named entries but no mask", "user::rwx,group:5:r-x,group::r-x,other::---");
        assertHnsRefused("default ACL has 0 user::", "user::rwx,group::r-x,other::---,default:group::r-x,"
                + "default:other::---");
        assertHnsRefused("not a numeric gid", "user::rwx,group:4294967295:r-x,group::r-x,mask::r-x,other::---");
    }

    private static void assertRefused(String reason, byte[] xattr) {
        PosixAcl.InvalidAclException e = assertThrows(PosixAcl.InvalidAclException.class,
                () -> PosixAcl.fromXattrs(xattr, null, 0644), HEX.formatHex(xattr));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    private static void assertHnsRefused(String reason, String text) {
        PosixAcl.InvalidAclException e = assertThrows(PosixAcl.InvalidAclException.class,
                () -> PosixAcl.fromHns(text), text);
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
