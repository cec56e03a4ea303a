package io.azlhsm.copytool.archive.azure;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A path's owner or group (Data Lake's x-ms-owner / x-ms-group) as a uid or gid. Numeric ids are written and read as
 * decimal strings, as AMLFS does; anything else (an Entra object id, {@code $superuser}, a user principal name) is
 * given the configured default uid or gid, and each distinct such value is logged once, so a tree owned by one
 * identity logs one line, not one per path. Named ACL entries are not mapped but dropped ({@link #namedId}).
 */
final class PathOwners {
    private static final System.Logger LOG = System.getLogger(PathOwners.class.getName());

    private final int archiveId;
    private final int defaultUid;
    private final int defaultGid;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    PathOwners(int archiveId, int defaultUid, int defaultGid) {
        this.archiveId = archiveId;
        this.defaultUid = defaultUid;
        this.defaultGid = defaultGid;
    }

    int uid(String owner) {
        return id(owner, defaultUid, "owner", "default_uid");
    }

    int gid(String group) {
        return id(group, defaultGid, "group", "default_gid");
    }

    /**
     * Whether a named ACL entry's identity is a decimal uid or gid, which an import gives as it is. Any other
     * (an Entra object id) is not mapped to the default uid or gid as an owner is: that would grant the default
     * user permissions meant for someone else, and two such entries would name one id twice. The entry is dropped
     * instead, which grants nobody more than the account does; each distinct value is logged once.
     */
    boolean namedId(String value, String path) {
        if (value.matches("[0-9]{1,10}") && Long.parseLong(value) < 0xFFFF_FFFFL) {
            return true;
        }
        if (logged.add("acl:" + value)) {
            LOG.log(System.Logger.Level.INFO, "archive " + archiveId + ": an ACL entry for '" + value + "' (first"
                    + " seen on " + path + ") names no numeric uid or gid; it is left out of every path's ACL; logged"
                    + " once per value");
        }
        return false;
    }

    private int id(String value, int fallback, String what, String key) {
        if (value != null && value.matches("[0-9]{1,10}")) {
            long number = Long.parseLong(value);
            if (number <= Integer.MAX_VALUE) {
                return (int) number;
            }
        }
        if (logged.add(what + ":" + value)) {
            LOG.log(System.Logger.Level.INFO, "archive " + archiveId + ": " + what + " '" + value + "' of a path is"
                    + " not a numeric id; it is mapped to " + fallback + " (archive." + archiveId + "." + key
                    + "); logged once per value");
        }
        return fallback;
    }
}
