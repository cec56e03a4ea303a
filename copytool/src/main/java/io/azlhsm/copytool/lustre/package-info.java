/**
 * The liblustreapi binding: {@link io.azlhsm.copytool.lustre.LustreApi} (jnr-ffi, the real prototypes), decoders and
 * encoders of the HSM and changelog structures following Lustre's uapi headers (lustre_user.h, lustre_idl.h), and a thin checked API
 * over them ({@link io.azlhsm.copytool.lustre.CopytoolRegistration}, {@link io.azlhsm.copytool.lustre.CopyAction},
 * {@link io.azlhsm.copytool.lustre.HsmFiles}, {@link io.azlhsm.copytool.lustre.LustreFids},
 * {@link io.azlhsm.copytool.lustre.DataVersions}, {@link io.azlhsm.copytool.lustre.ChangelogReader}); and the few libc
 * calls a Lustre client's files need beside it: positional I/O on llapi's fds ({@link
 * io.azlhsm.copytool.lustre.FdChannel}) and {@code trusted.*} extended attributes
 * ({@link io.azlhsm.copytool.lustre.ExtendedAttributes}).
 *
 * <p>Layouts are written here from the reference, never derived from native-shim's C header: the tests compare the
 * two readings (native-shim/test/abi_images.c, llapi_echo.c), so a misreading on either side shows up as a failure.
 * Everything is little-endian x86_64. Native memory is copied to the Java heap before decoding, so decoded values
 * stay valid after liblustreapi reuses its buffers.
 */
package io.azlhsm.copytool.lustre;
