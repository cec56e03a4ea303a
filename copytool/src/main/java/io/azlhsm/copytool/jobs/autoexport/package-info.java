/**
 * {@code copytool auto-export}: {@link io.azlhsm.copytool.jobs.autoexport.AutoExportJob} exports continuously what
 * every MDT's changelog reports as changed (as the changelog users an administrator registered, {@link
 * io.azlhsm.copytool.jobs.autoexport.ChangelogUsers}), with a periodic full walk as the safety net.
 */
package io.azlhsm.copytool.jobs.autoexport;
