package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountOptionsTest {
    @Test
    void withoutOptionsAClientHasNoUserXattrsAsLustresDefault() throws Exception {
        assertFalse(MountOptions.parse(null).userXattr());
        assertFalse(MountOptions.parse("").userXattr());
        assertEquals(MountOptions.DEFAULTS, MountOptions.parse(" "));
    }

    @Test
    void userXattrInLustresSpellingAndTheLastOfTwoWins() throws Exception {
        assertTrue(MountOptions.parse("user_xattr").userXattr());
        assertFalse(MountOptions.parse("user_xattr,nouser_xattr").userXattr());
        assertTrue(MountOptions.parse("nouser_xattr, user_xattr,").userXattr());
        assertEquals("user_xattr", MountOptions.parse("user_xattr").toString());
    }

    @Test
    void anUnknownOptionIsRefusedNotIgnored() {
        SimulatorException e = assertThrows(SimulatorException.class, () -> MountOptions.parse("user_xattr,flock"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("flock"), e.getMessage());
    }

    @Test
    void namesFallIntoLlitesNamespaces() {
        assertEquals(XattrNamespace.MDT_OWN, XattrNamespace.of("trusted.lma"));
        assertEquals(XattrNamespace.MDT_OWN, XattrNamespace.of("trusted.hsm"));
        assertEquals(XattrNamespace.MDT_OWN, XattrNamespace.of("trusted.link"));
        assertEquals(XattrNamespace.SIMULATOR, XattrNamespace.of("trusted.hsmsim.dv"));
        assertEquals(XattrNamespace.TRUSTED, XattrNamespace.of("trusted.azlhsm.archive"));
        assertEquals(XattrNamespace.USER, XattrNamespace.of("user.azlhsm.archive"));
        assertEquals(XattrNamespace.POSIX_ACL, XattrNamespace.of("system.posix_acl_access"));
        assertEquals(XattrNamespace.OTHER, XattrNamespace.of("security.selinux"));
    }
}
