#!/bin/sh
# libhsmsim.so must export every liblustreapi entry point the project and Lustre's own HSM tools (lhsmtool_posix,
# llapi_hsm_test) rely on (nm -D), and nothing but llapi_*.
set -eu
lib=${1:-build/libhsmsim.so}
exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }')
missing=0
for f in llapi_hsm_copytool_register llapi_hsm_copytool_unregister llapi_hsm_copytool_get_fd llapi_hsm_copytool_recv \
	llapi_hsm_action_begin llapi_hsm_action_progress llapi_hsm_action_end llapi_hsm_action_get_fd \
	llapi_hsm_action_get_dfid llapi_hsm_import llapi_hsm_request llapi_hsm_user_request_alloc llapi_hsm_state_get \
	llapi_hsm_state_get_fd llapi_hsm_state_set llapi_hsm_state_set_fd llapi_hsm_current_action llapi_fid2path \
	llapi_path2fid llapi_fd2fid llapi_get_data_version llapi_hsm_data_version_set llapi_hsm_register_event_fifo \
	llapi_hsm_unregister_event_fifo llapi_changelog_start llapi_changelog_fini llapi_changelog_recv \
	llapi_changelog_free llapi_changelog_get_fd llapi_changelog_clear llapi_search_rootpath llapi_get_obd_count \
	llapi_get_mdt_index_by_fid llapi_msg_set_level llapi_msg_get_level llapi_error_callback_set \
	llapi_info_callback_set llapi_error llapi_printf llapi_hsm_log_error llapi_fid_parse llapi_fid2path_at \
	llapi_search_mounts llapi_search_fsname llapi_parse_size llapi_obd_statfs llapi_get_poolmembers; do
	if ! printf '%s\n' "$exported" | grep -qx "$f"; then
		echo "FAIL exports: $f missing from $lib" >&2
		missing=1
	fi
done
extra=$(printf '%s\n' "$exported" | grep -v '^llapi_' || true)
if [ -n "$extra" ]; then
	echo "FAIL exports: non-llapi symbols exported: $extra" >&2
	missing=1
fi
[ "$missing" -eq 0 ] && echo "exports_test: ok"
exit "$missing"
