/**
 * The copytool's configuration: {@link io.azlhsm.copytool.config.CopytoolConfig} read from a properties file,
 * validated whole, with per-archive {@link io.azlhsm.copytool.config.ArchiveSettings}. Every key is documented in
 * conf/copytool.properties. Credentials are {@link io.azlhsm.copytool.config.Secret}s and never printed.
 */
package io.azlhsm.copytool.config;
