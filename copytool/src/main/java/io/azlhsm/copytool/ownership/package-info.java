/**
 * Who owns a blob name, and what a writer may do to it: the rules that keep one file's archive from destroying another
 * file's only copy.
 *
 * <p>Blobs are named by path, so a name can change hands (log rotation, a rename, a new file where an old one
 * was). Every write is conditional on what the writer believes is there
 * ({@link io.azlhsm.copytool.archive.WriteCondition}); when the belief is wrong,
 * {@link io.azlhsm.copytool.ownership.ConditionalWriter} looks at the object, lets
 * {@link io.azlhsm.copytool.ownership.NameOwnership} judge it, keeps a copy another live file may still record
 * ({@link io.azlhsm.copytool.archive.ArchiveBackend#preserve}), and writes again on the ETag it examined. The
 * design note is docs/identity.md.
 */
package io.azlhsm.copytool.ownership;
