/**
 * The changelogs of a file system, one per MDT, with their users and records as Lustre's MDTs keep them ({@link
 * io.azlhsm.testcluster.changelog.Changelogs}). Written by the coordinator and the client mounts, read through
 * libhsmsim by the changelog API.
 */
package io.azlhsm.testcluster.changelog;
