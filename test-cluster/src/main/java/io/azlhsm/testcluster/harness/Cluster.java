package io.azlhsm.testcluster.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A simulated Lustre file system for tests: started in a temporary root with {@code bin/cluster up --no-azurite},
 * driven through {@code lfs}, {@code lctl} and {@code hsmsim-posix-copytool} exactly as a shell user would, and
 * stopped (every process, every mount) by {@link #close()}.
 */
public final class Cluster implements AutoCloseable {
    private static final Pattern STATE = Pattern.compile(": \\((0x[0-9a-f]{8})\\)");

    private final Path root;
    private final Path home = TestClusterHome.directory();
    private final List<Copytool> copytools = new ArrayList<>();
    private final AtomicInteger copytoolCount = new AtomicInteger();

    private final String fsname;
    private final String mountOptions;
    private final int mdts;

    private Cluster(Path root, String fsname, String mountOptions, int mdts) {
        this.root = root;
        this.fsname = fsname;
        this.mountOptions = mountOptions;
        this.mdts = mdts;
    }

    /** A cluster whose default mount has a Lustre client's default options: no user.* xattrs, as without -o. */
    public static Cluster start() {
        return start("");
    }

    /**
     * A cluster whose default mount has these Lustre client mount options, e.g. {@code "user_xattr"} for a test about
     * user.* extended attributes.
     */
    public static Cluster start(String mountOptions) {
        return start(mountOptions, 1);
    }

    /** A DNE file system of {@code mdts} MDTs ({@code cluster up --mdts N}), default mount options. */
    public static Cluster startDne(int mdts) {
        return start("", mdts);
    }

    private static Cluster start(String mountOptions, int mdts) {
        try {
            // world-traversable: tests run lfs as other users too
            Path root = Files.createTempDirectory("hsmsim-",
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
            // a name of its own (Lustre allows 8 characters): other simulated file systems may be mounted here
            String fsname = String.format("hs%06x", new java.util.Random().nextInt(1 << 24));
            Cluster c = new Cluster(root, fsname, mountOptions, mdts);
            try {
                c.up();
            } catch (RuntimeException | AssertionError e) {
                c.clusterScript("down");
                throw e;
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void up() {
        clusterScript("up", "--no-azurite", "--fsname", fsname, "--mdts", Integer.toString(mdts), "-o",
                mountOptions).out();
    }

    /** The file system name (hal_fsname, mdt.FSNAME-MDT0000.*). */
    public String fsname() {
        return fsname;
    }

    /** The MDT's device name, as lctl and the changelog calls know it (MDT0000 of a DNE file system). */
    public String mdt() {
        return mdt(0);
    }

    /** The device name of MDT index ({@code FSNAME-MDT0001}). */
    public String mdt(int index) {
        return String.format("%s-MDT%04x", fsname, index);
    }

    /** How many MDTs the file system has. */
    public int mdtCount() {
        return mdts;
    }

    public Path root() {
        return root;
    }

    /** The default client mount, ROOT/mnt. */
    public Path mount() {
        return root.resolve("mnt");
    }

    /** The posix copytool's default archive directory. */
    public Path hsmRoot() {
        return root.resolve("archive");
    }

    public CommandResult clusterScript(String... args) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/cluster").toString()));
        cmd.addAll(List.of(args));
        cmd.add("--root");
        cmd.add(root.toString());
        return Commands.run(root, cmd);
    }

    /**
     * {@code cluster counters}: the FUSE requests the default mount served by opcode ({@code fuse.OP}) and the
     * daemon's requests by verb ({@code call.VERB}), since the daemon started; what something cost the simulated
     * cluster is the difference of two readings.
     */
    public java.util.Map<String, Long> counters() {
        java.util.Map<String, Long> counts = new java.util.TreeMap<>();
        for (String line : clusterScript("counters").out().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                counts.put(line.substring(0, eq).trim(), Long.parseLong(line.substring(eq + 1).trim()));
            }
        }
        return counts;
    }

    /** What happened between two {@link #counters()} readings: each counter that moved, by how much. */
    public static java.util.Map<String, Long> difference(java.util.Map<String, Long> before,
                                                         java.util.Map<String, Long> after) {
        java.util.Map<String, Long> moved = new java.util.TreeMap<>();
        after.forEach((key, n) -> {
            long d = n - before.getOrDefault(key, 0L);
            if (d != 0) {
                moved.put(key, d);
            }
        });
        return moved;
    }

    public CommandResult lfs(String... args) {
        return Commands.run(mount(), Commands.concat(List.of(home.resolve("bin/lfs").toString()), args));
    }

    /** lfs run as another user (setpriv), for the request-mask and flag-permission rules. */
    public CommandResult lfsAs(int uid, String... args) {
        return runAs(uid, Commands.concat(List.of(home.resolve("bin/lfs").toString()), args).toArray(String[]::new));
    }

    /**
     * A command run in the mount as another user (setpriv: uid and gid {@code uid}, no supplementary groups, no
     * capabilities), e.g. setfattr or cat, for what the kernel and the file system allow an unprivileged caller.
     */
    public CommandResult runAs(int uid, String... command) {
        return Commands.run(mount(), Commands.concat(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid,
                "--clear-groups"), command));
    }

    /** lctl, limited to this cluster by HSMSIM_ROOT (other simulated file systems may be mounted on the machine). */
    public CommandResult lctl(String... args) {
        // not run in the mount: lctl needs none, and with the mount's MDCs deactivated the mount is unreachable
        return Commands.run(root, Commands.concat(List.of(home.resolve("bin/lctl").toString()), args),
                java.util.Map.of("HSMSIM_ROOT", root.toString()));
    }

    /**
     * lctl as an administrator runs it on the MDS (HSMSIM_ROLE=mds): only there do {@code changelog_register} and
     * {@code changelog_deregister} work, as they exist only in Lustre's server build and act on a local MDT.
     */
    public CommandResult lctlOnMds(String... args) {
        return Commands.run(root, Commands.concat(List.of(home.resolve("bin/lctl").toString()), args),
                java.util.Map.of("HSMSIM_ROOT", root.toString(), "HSMSIM_ROLE", "mds"));
    }

    /** Registers a changelog user on an MDT as the administrator does on the MDS; returns its id ("clN"). */
    public String registerChangelogUser(String mdt) {
        String out = lctlOnMds("--device", mdt, "changelog_register").out();
        Matcher m = Pattern.compile("^" + Pattern.quote(mdt) + ": Registered changelog userid '([^']+)'$",
                Pattern.MULTILINE).matcher(out);
        if (!m.find()) {
            throw new AssertionError("unexpected changelog_register output: " + out);
        }
        return m.group(1);
    }

    /**
     * lctl set_param mdt.*.hsm.NAME=VALUE (or mdt.*.hsm_control when name is "hsm_control"): on every MDT's
     * coordinator.
     */
    public void setParam(String name, String value) {
        lctl("set_param", param("*", name) + "=" + value).out();
    }

    /** lctl get_param -n mdt.*.hsm.NAME: every MDT's value, one after the other in MDT order. */
    public String getParam(String name) {
        return lctl("get_param", "-n", param("*", name)).out();
    }

    /** lctl set_param mdt.FSNAME-MDTxxxx.hsm.NAME=VALUE: on the coordinator of MDT mdt only. */
    public void setParam(int mdt, String name, String value) {
        lctl("set_param", param(mdt(mdt), name) + "=" + value).out();
    }

    /** lctl get_param -n mdt.FSNAME-MDTxxxx.hsm.NAME: the value of MDT mdt's coordinator. */
    public String getParam(int mdt, String name) {
        return lctl("get_param", "-n", param(mdt(mdt), name)).out();
    }

    private static String param(String device, String name) {
        return name.equals("hsm_control") ? "mdt." + device + ".hsm_control" : "mdt." + device + ".hsm." + name;
    }

    /** Another client mount of the same file system, with its own client UUID and default options. */
    public Path addMount(String name) {
        return addMount(name, "");
    }

    /** Another client mount with these Lustre client mount options (e.g. {@code "user_xattr"}). */
    public Path addMount(String name, String mountOptions) {
        Path mp = root.resolve(name);
        clusterScript("mount", "-o", mountOptions, mp.toString()).out();
        return mp;
    }

    /** Starts hsmsim-posix-copytool on the default mount with the default archive directory plus args. */
    public Copytool startPosixCopytool(String... args) {
        return startPosixCopytoolOn(mount(), args);
    }

    public Copytool startPosixCopytoolOn(Path mountPoint, String... args) {
        long before = agentCount(); // counted before the start: the copytool may register at once
        return launchPosixCopytool(mountPoint, args, ct -> agentCount() > before);
    }

    /**
     * Starts one more hsmsim-posix-copytool on a mount that already has one. As on Lustre it registers, but the agent
     * count does not grow (the mount's agent exists already): waits for its own "registered on" line instead.
     */
    public Copytool startAnotherPosixCopytoolOn(Path mountPoint, String... args) {
        return launchPosixCopytool(mountPoint, args, ct -> ct.log().contains("registered on "));
    }

    private Copytool launchPosixCopytool(Path mountPoint, String[] args, Predicate<Copytool> registered) {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("bin/hsmsim-posix-copytool").toString(),
                "--hsm-root", hsmRoot().toString()));
        cmd.addAll(List.of(args));
        cmd.add(mountPoint.toString());
        Path log = root.resolve("run/copytool-" + copytoolCount.incrementAndGet() + ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Copytool ct = new Copytool(p, log);
            copytools.add(ct);
            await("copytool registered", Duration.ofSeconds(20), () -> !ct.isAlive() || registered.test(ct));
            if (!ct.isAlive()) {
                throw new AssertionError("copytool exited: " + ct.log());
            }
            return ct;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Gives the simulated file system a capacity of {@code bytes}: statfs (df, lfs df) then reports that size, and
     * as used the data of its files that are not released ({@code <root>/state/capacity}; test-cluster/README.md).
     */
    public void setCapacity(long bytes) {
        try {
            Path file = root.resolve("state").resolve("capacity");
            Path next = file.resolveSibling("capacity.new");
            Files.writeString(next, Long.toString(bytes) + "\n");
            Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Defines the OST pool {@code pool} with the OSTs of these indexes as its members (or changes its members), as
     * {@code lctl pool_new FSNAME.POOL} and {@code pool_add} on the MGS would: a file
     * {@code <root>/state/pools/POOL} listing the members' UUIDs, what a client's pools file lists
     * (test-cluster/README.md, Capacity).
     */
    public void definePool(String pool, int... osts) {
        try {
            Path dir = root.resolve("state").resolve("pools");
            Files.createDirectories(dir);
            StringBuilder members = new StringBuilder();
            for (int ost : osts) {
                members.append(String.format("%s-OST%04x_UUID%n", fsname, ost));
            }
            Path next = dir.resolve("." + pool + ".new");
            Files.writeString(next, members);
            Files.move(next, dir.resolve(pool), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Back to statfs reporting the backing file system's figures. */
    public void clearCapacity() {
        try {
            Files.deleteIfExists(root.resolve("state").resolve("capacity"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** st_blocks of a file as stat(1) reports it. */
    public long blocks(Path file) {
        return Long.parseLong(Commands.run(root, List.of("stat", "-c", "%b", file.toString())).out().trim());
    }

    /**
     * How many copytools are registered (lines of MDT0's hsm.agents: a copytool registers with every MDT, so each
     * MDT lists the same agents).
     */
    public long agentCount() {
        return getParam(0, "agents").lines().filter(l -> l.startsWith("uuid=")).count();
    }

    /** The hsm_state flags of a file (hus_states), from lfs hsm_state. */
    public int flags(Path file) {
        String out = lfs("hsm_state", file.toString()).out();
        Matcher m = STATE.matcher(out);
        if (!m.find()) {
            throw new AssertionError("unexpected hsm_state output: " + out);
        }
        return Integer.decode(m.group(1));
    }

    public void awaitFlags(Path file, int flags) {
        await("flags " + Integer.toHexString(flags) + " on " + file, Duration.ofSeconds(30),
                () -> flags(file) == flags, () -> "flags now " + Integer.toHexString(flags(file)) + "; actions:\n"
                        + getParam("actions") + copytools.stream().map(ct -> "\ncopytool log:\n" + ct.log())
                        .collect(Collectors.joining()));
    }

    /** The status= of every action-log line about fid (in log order). */
    public List<String> actionStatuses(String fid, String action) {
        List<String> statuses = new ArrayList<>();
        for (String line : getParam("actions").split("\n")) {
            if (line.contains("fid=" + fid + " ") && line.contains("action=" + action + " ")) {
                Matcher m = Pattern.compile("status=(\\w+)").matcher(line);
                if (m.find()) {
                    statuses.add(m.group(1));
                }
            }
        }
        return statuses;
    }

    public void awaitActionStatus(String fid, String action, String status) {
        await(action + " of " + fid + " " + status, Duration.ofSeconds(30),
                () -> actionStatuses(fid, action).contains(status), () -> "actions:\n" + getParam("actions"));
    }

    /** The FID of a file in brackets, from lfs path2fid. */
    public String fid(Path file) {
        return lfs("path2fid", file.toString()).out().trim();
    }

    /**
     * sanity-hsm's copy2archive + "copytool import": writes content as an archive copy made outside Lustre
     * (hsmRoot()/import/NAME) and imports it at dst with {@code hsmsim-posix-copytool --import}, as
     * {@code lhsmtool_posix --import} does (llapi_hsm_import, then the copy filed under the new FID). Returns dst,
     * a released stub.
     */
    public Path importArchiveCopy(String name, byte[] content, Path dst) {
        Path src = hsmRoot().resolve("import").resolve(name);
        try {
            Files.createDirectories(src.getParent());
            Files.write(src, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Commands.run(mount(), List.of(home.resolve("bin/hsmsim-posix-copytool").toString(), "--hsm-root",
                hsmRoot().toString(), "--import", hsmRoot().relativize(src).toString(), dst.toString(),
                mount().toString())).out();
        return dst;
    }

    /** Where the posix copytool keeps the archive copy of fid (lhsmtool_posix's layout). */
    public Path archiveCopy(String bracketedFid) {
        String[] f = bracketedFid.replace("[", "").replace("]", "").split(":");
        long seq = Long.decode(f[0]);
        long oid = Long.decode(f[1]);
        return hsmRoot().resolve(String.format("%04x/%04x/%04x/%04x/%04x/%04x/%s", oid & 0xFFFF, (oid >> 16) & 0xFFFF,
                seq & 0xFFFF, (seq >> 16) & 0xFFFF, (seq >> 32) & 0xFFFF, (seq >> 48) & 0xFFFF,
                bracketedFid.replace("[", "").replace("]", "")));
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        await(what, timeout, condition, () -> "");
    }

    /** As {@link #await(String, Duration, BooleanSupplier)}, adding {@code diagnostics} (a log, a state) to a timeout. */
    public static void await(String what, Duration timeout, BooleanSupplier condition,
            java.util.function.Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                String detail = diagnostics.get();
                throw new AssertionError("timed out waiting for " + what + (detail.isEmpty() ? "" : "\n" + detail));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Stops the coordinator daemon and starts it again on the same root (an MDS restart). */
    public void restartCoordinator() {
        for (Copytool ct : copytools) {
            ct.close();
        }
        clusterScript("down").out();
        up();
    }

    @Override
    public void close() {
        for (Copytool ct : copytools) {
            ct.close();
        }
        CommandResult down = clusterScript("down");
        deleteTree(root);
        if (!down.ok()) {
            throw new AssertionError("cluster down failed: " + down);
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: a temp directory left behind is not a test failure
        }
    }
}
