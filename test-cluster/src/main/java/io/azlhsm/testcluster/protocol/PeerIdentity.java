package io.azlhsm.testcluster.protocol;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * Who is at the other end of a Unix socket (SO_PEERCRED), as numeric ids: the coordinator's request masks and hsm_set
 * rules depend on it. Java reports names; they are mapped back through /etc/passwd and /etc/group.
 */
record PeerIdentity(int uid, int gid) {
    /** Name-to-id tables per database, reread when the file changes (tests add users while the daemon runs). */
    private static final Map<Path, IdTable> TABLES = new ConcurrentHashMap<>();

    private record IdTable(FileTime modified, long size, Map<String, Integer> ids) {
    }

    static PeerIdentity of(SocketChannel channel) throws IOException {
        UnixDomainPrincipal p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
        return new PeerIdentity(id(p.user().getName(), Path.of("/etc/passwd")),
                id(p.group().getName(), Path.of("/etc/group")));
    }

    private static int id(String name, Path database) throws IOException {
        if (name.chars().allMatch(Character::isDigit)) {
            return Integer.parseInt(name); // no entry in the database: Java gives the number
        }
        Integer id = table(database).ids().get(name);
        if (id == null) {
            throw new IOException("unknown principal " + name);
        }
        return id;
    }

    /** The database's table, read again only when its modification time or size changed. */
    private static IdTable table(Path database) throws IOException {
        BasicFileAttributes now = Files.readAttributes(database, BasicFileAttributes.class);
        IdTable cached = TABLES.get(database);
        if (cached != null && cached.modified().equals(now.lastModifiedTime()) && cached.size() == now.size()) {
            return cached;
        }
        Map<String, Integer> ids = new HashMap<>();
        for (String line : Files.readAllLines(database)) {
            String[] f = line.split(":");
            if (f.length > 2 && !f[2].isEmpty() && f[2].chars().allMatch(Character::isDigit)) {
                ids.putIfAbsent(f[0], Integer.parseInt(f[2]));
            }
        }
        IdTable table = new IdTable(now.lastModifiedTime(), now.size(), Map.copyOf(ids));
        TABLES.put(database, table);
        return table;
    }
}
