package io.azlhsm.copytool.jobs.autoexport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The changelog user to consume on each MDT, as the administrator gave them. Registering a changelog user is an
 * MDS operation ({@code lctl --device FSNAME-MDTxxxx changelog_register} exists only in Lustre's server build and
 * needs the MDT device to be local: lustre/utils/obd.c jt_changelog_register; a client's lctl answers "invalid
 * ioctl"), so a data mover never registers or deregisters one: it only reads and clears with
 * {@code llapi_changelog_*}. Changelogs are per MDT, and so are users: on a DNE file system each MDT has its own
 * user, often with the same id ({@code cl1} on every MDT) but not necessarily.
 *
 * <p>Each value given is either a user id, meaning that user on every MDT that is not named otherwise, or
 * {@code FSNAME-MDTxxxx=ID} for one MDT. Every MDT of the file system must end up with a user: changes on an MDT
 * whose changelog nobody reads would be seen only by the periodic full scan.
 */
public final class ChangelogUsers {
    /** Lustre's ids: {@code clN}, or {@code clN-NAME} for a user registered with {@code -u NAME} (2.15 and later). */
    private static final Pattern USER_ID = Pattern.compile("cl[0-9]+(-[A-Za-z0-9_.-]+)?");
    private static final Pattern DEVICE = Pattern.compile("(.+)-MDT([0-9a-fA-F]{4})");

    private final String everyMdt;
    private final Map<String, String> byMdt;

    private ChangelogUsers(String everyMdt, Map<String, String> byMdt) {
        this.everyMdt = everyMdt;
        this.byMdt = byMdt;
    }

    /** Parses the values of {@code --changelog-user}; IllegalArgumentException says which one is wrong and why. */
    public static ChangelogUsers parse(List<String> values) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("--changelog-user is required: " + adminStep("FSNAME-MDT0000"));
        }
        String everyMdt = null;
        Map<String, String> byMdt = new LinkedHashMap<>();
        for (String raw : values) {
            for (String value : raw.split(",")) {
                String item = value.strip();
                int equals = item.indexOf('=');
                if (equals < 0) {
                    checkUser(item, raw);
                    if (everyMdt != null && !everyMdt.equals(item)) {
                        throw new IllegalArgumentException("--changelog-user " + everyMdt + " and " + item
                                + ": only one user may stand for every MDT; name the others FSNAME-MDTxxxx=ID");
                    }
                    everyMdt = item;
                    continue;
                }
                String given = item.substring(0, equals).strip();
                String user = item.substring(equals + 1).strip();
                Matcher device = DEVICE.matcher(given);
                if (!device.matches()) {
                    throw new IllegalArgumentException("--changelog-user " + raw + ": '" + given
                            + "' is not an MDT device name (FSNAME-MDTxxxx, e.g. lustre-MDT0001)");
                }
                String mdt = MdtName.of(device.group(1), Integer.parseInt(device.group(2), 16)); // Lustre's spelling
                checkUser(user, raw);
                String before = byMdt.put(mdt, user);
                if (before != null && !before.equals(user)) {
                    throw new IllegalArgumentException("--changelog-user gives " + mdt + " two users: " + before
                            + " and " + user);
                }
            }
        }
        return new ChangelogUsers(everyMdt, Collections.unmodifiableMap(byMdt));
    }

    private static void checkUser(String user, String raw) {
        if (!USER_ID.matcher(user).matches()) {
            throw new IllegalArgumentException("--changelog-user " + raw + ": '" + user + "' is not a changelog"
                    + " user id (clN, as lctl changelog_register printed it on the MDS)");
        }
    }

    /**
     * The user of each MDT of the file system ({@code fsname}, MDT indexes 0 to {@code mdtCount - 1}), in index order.
     *
     * @throws IllegalArgumentException when an MDT has no user, or a named MDT is not one of this file system's
     */
    public Map<String, String> resolve(String fsname, int mdtCount) {
        Map<String, String> users = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (int index = 0; index < mdtCount; index++) {
            String mdt = MdtName.of(fsname, index);
            String user = byMdt.getOrDefault(mdt, everyMdt);
            if (user == null) {
                missing.add(mdt);
            } else {
                users.put(mdt, user);
            }
        }
        TreeSet<String> unknown = new TreeSet<>(byMdt.keySet());
        unknown.removeAll(users.keySet());
        unknown.removeAll(missing);
        List<String> problems = new ArrayList<>();
        if (!unknown.isEmpty()) {
            problems.add("--changelog-user names " + String.join(", ", unknown) + ", not an MDT of the file system "
                    + fsname + " (it has " + mdtCount + ": " + MdtName.of(fsname, 0)
                    + (mdtCount > 1 ? " to " + MdtName.of(fsname, mdtCount - 1) : "") + ")");
        }
        if (!missing.isEmpty()) {
            problems.add("no changelog user for " + String.join(", ", missing)
                    + ": every MDT's changelog must be read. " + adminStep(missing.get(0)));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return Collections.unmodifiableMap(users);
    }

    /** How the administrator provides a user: on the MDS, never from a data mover. */
    static String adminStep(String mdt) {
        return "an administrator registers one on the MDS serving each MDT with 'lctl --device " + mdt
                + " changelog_register' and gives the id it printed ('Registered changelog userid 'cl1'') as"
                + " --changelog-user cl1 (the same id on every MDT) or --changelog-user " + mdt + "=cl1 (per MDT)";
    }

    /** Every user id named (for the job lock: two jobs reading one user would clear each other's records). */
    public java.util.Set<String> userIds() {
        java.util.Set<String> ids = new TreeSet<>(byMdt.values());
        if (everyMdt != null) {
            ids.add(everyMdt);
        }
        return Collections.unmodifiableSet(ids);
    }

    /** As given: for the job's parameters. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        if (everyMdt != null) {
            parts.add(everyMdt);
        }
        byMdt.forEach((mdt, user) -> parts.add(mdt + "=" + user));
        return String.join(",", parts);
    }
}
