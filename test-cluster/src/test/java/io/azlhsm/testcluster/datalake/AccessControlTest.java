package io.azlhsm.testcluster.datalake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** x-ms-permissions and x-ms-acl as the stand-in parses and answers them (Path - Update's reference). */
class AccessControlTest {
    @Test
    void permissionsAreOctalOrSymbolicAndAnsweredSymbolic() {
        assertEquals(0750, AccessControl.parseMode("0750"));
        assertEquals(0750, AccessControl.parseMode("750"));
        assertEquals(01777, AccessControl.parseMode("1777"));
        assertEquals(01776, AccessControl.parseMode("rwxrwxrwT"));
        assertEquals(01777, AccessControl.parseMode("rwxrwxrwt"));
        assertEquals(0640, AccessControl.parseMode("rw-r-----+"));
        assertNull(AccessControl.parseMode("2755"), "setgid is not a Data Lake permission");
        assertNull(AccessControl.parseMode("rwxrwxrwz"));
        assertEquals("rwxrwxrwt", AccessControl.ofMode(01777).symbolic());
        assertEquals("rw-r----T", AccessControl.ofMode(01640).symbolic());
        assertEquals("user::rw-,group::r--,other::---", AccessControl.ofMode(0640).acl());
    }

    @Test
    void aMaskTakesTheGroupClassAndExtendedEntriesShowAsPlus() {
        AccessControl acl = AccessControl.parseAcl("user::rwx,user:1001:r-x,group::r--,mask::r-x,other::---",
                false);
        assertEquals(0750, acl.mode());
        assertEquals("rwxr-x---+", acl.symbolic());
        AccessControl chmod = acl.withMode(0700);
        assertEquals("user::rwx,user:1001:r-x,group::r--,mask::---,other::---", chmod.acl(),
                "a chmod sets the mask, not the group entry");
        assertNull(AccessControl.parseAcl("user::rwx,other::---", false), "the group entry is required");
        assertNull(AccessControl.parseAcl("user::rwz,group::r--,other::---", false));
        assertNull(AccessControl.parseAcl("user::rwx,group::r--,mask:7:r-x,other::---", false),
                "a mask names no one");
        assertNull(AccessControl.parseAcl("user::rwx,group::r--,other:7:---", false), "other names no one");
    }

    @Test
    void defaultEntriesAreKeptAndAloneMakeThePermissionsExtended() {
        AccessControl acl = AccessControl.parseAcl("user::rwx,group::r-x,other::---,default:user::rwx,"
                + "default:group:50:r-x,default:group::---,default:mask::r-x,default:other::---", true);
        assertEquals(01750, acl.mode(), "the access entries are the mode; default entries do not change it");
        assertEquals("rwxr-x--T+", acl.symbolic());
        assertEquals("user::rwx,group::r-x,other::---,default:user::rwx,default:group:50:r-x,default:group::---,"
                + "default:mask::r-x,default:other::---", acl.acl());
    }
}
