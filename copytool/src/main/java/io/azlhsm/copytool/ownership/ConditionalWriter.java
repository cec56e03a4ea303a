package io.azlhsm.copytool.ownership;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException.Kind;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Writes an object on a condition and resolves a lost one: the object found at the name is judged by
 * {@link NameOwnership}, preserved when another file may still need it, adopted when it is already the writer's copy,
 * and the write is repeated on the ETag examined. A write never replaces an object its writer did not look at.
 *
 * <p>In the common case (a new name, or the writer's own recorded copy) the first write's condition holds and this
 * costs nothing beyond that write. Each lost race costs a Get Blob Properties, a snapshot when one is needed, and
 * the write again; after {@link #MAX_ATTEMPTS} lost races in a row the write fails PRECONDITION.
 */
public final class ConditionalWriter {
    /** Writes of one name lost to other writers before giving up: each loss means another writer made progress. */
    static final int MAX_ATTEMPTS = 6;
    private static final Logger LOG = Logger.getLogger(ConditionalWriter.class.getName());

    /** One write of the object on a condition (Put Blob, Put Block List). */
    @FunctionalInterface
    public interface Write {
        StoredObject attempt(WriteCondition condition) throws ArchiveException;
    }

    private final ArchiveBackend backend;
    private final NameOwnership ownership;

    public ConditionalWriter(ArchiveBackend backend, NameOwnership ownership) {
        this.backend = backend;
        this.ownership = ownership;
    }

    /**
     * @param name     the object's name
     * @param believed what the writer believes is there: its record's ETag, or absent
     * @param writer   the file written for
     * @param write    the write itself
     * @param describe who writes, for the log (file, path)
     * @return the object now at the name for this writer: written, or adopted (then its bytes are the writer's)
     */
    public StoredObject write(String name, WriteCondition believed, WriterIdentity writer, Write write,
                              String describe) throws ArchiveException {
        WriteCondition condition = believed;
        ArchiveException lost = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                return write.attempt(condition);
            } catch (ArchiveException e) {
                if (e.kind() != Kind.PRECONDITION) {
                    throw e;
                }
                lost = e;
            }
            // 400 InvalidBlockList: another writer's commit discarded the staged blocks; only adopting can help now
            boolean stagedDataLost = lost.httpStatus() == 400;
            Optional<StoredObject> found = backend.stat(name);
            if (found.isEmpty()) {
                if (stagedDataLost) {
                    throw lost;
                }
                condition = WriteCondition.absent();
                continue;
            }
            StoredObject current = found.get();
            NameOwnership.Judgement judgement = ownership.judge(current, writer);
            if (judgement.verdict() == NameOwnership.Verdict.ADOPT) {
                LOG.fine(() -> describe + ": " + name + " already holds " + judgement.reason() + " (ETag "
                        + current.etag() + "): adopted");
                return current;
            }
            if (stagedDataLost) {
                throw ArchiveException.of(Kind.PRECONDITION, name, "another writer committed " + name + " ("
                        + judgement.reason() + ") and discarded this archive's staged blocks; archive the file again");
            }
            if (judgement.verdict() == NameOwnership.Verdict.PRESERVE) {
                try {
                    String version = backend.preserve(name, current.etag());
                    LOG.info(describe + ": preserved version " + current.etag() + " of " + name + " ("
                            + judgement.reason() + ") as version " + version + " before writing over it");
                } catch (ArchiveException changed) {
                    if (changed.kind() != Kind.PRECONDITION) {
                        throw changed;
                    }
                    continue; // replaced meanwhile: look again
                }
            }
            condition = WriteCondition.etag(current.etag());
        }
        throw ArchiveException.of(Kind.PRECONDITION, name, "lost " + MAX_ATTEMPTS + " races for " + name
                + " to other writers; last: " + lost.getMessage());
    }
}
