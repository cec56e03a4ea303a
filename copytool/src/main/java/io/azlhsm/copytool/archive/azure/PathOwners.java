package io.azlhsm.copytool.archive.azure;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A path's owner or group (Data Lake's x-ms-owner / x-ms-group) as a uid or gid. Numeric ids are written and read as
 * decimal strings, as AMLFS does; anything else (an Entra object id, {@code $superuser}, a user principal name) is
 * given the configured default uid or gid, and each distinct such value is logged once, so a tree owned by one
 * identity logs one line, not one per path.
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
