/*
 * The liblustreapi calls and declarations Lustre's own tools use that need no cluster: llapi_parse_size,
 * llapi_fid_parse, the FID kinds of <linux/lustre/lustre_fid.h>, the layout declarations of
 * <linux/lustre/lustre_user.h>, llapi_msg_level2str. Expected values are liblustreapi's (the source lines are cited
 * at each group). Prints one line per failed check and exits non-zero if any failed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <linux/lustre/lustre_fid.h>
#include <lustre/lustreapi.h>

static int failures;

#define CHECK(cond, ...)                                                                                          \
	do {                                                                                                      \
		if (!(cond)) {                                                                                    \
			fprintf(stdout, "FAIL %s:%d: %s: ", __func__, __LINE__, #cond);                           \
			fprintf(stdout, __VA_ARGS__);                                                             \
			fprintf(stdout, "\n");                                                                    \
			failures++;                                                                               \
		}                                                                                                 \
	} while (0)

static void size_is(const char *text, unsigned long long units_in, int bytes_spec, unsigned long long expected,
		    unsigned long long expected_units)
{
	unsigned long long size = 0, units = units_in;
	int rc = llapi_parse_size(text, &size, &units, bytes_spec);
	CHECK(rc == 0 && size == expected && units == expected_units,
	      "'%s' (units %llu, bytes_spec %d): rc %d size %llu units %llu", text, units_in, bytes_spec, rc, size, units);
}

static void size_refused(const char *text, int bytes_spec)
{
	unsigned long long size = 0, units = 0;
	int rc = llapi_parse_size(text, &size, &units, bytes_spec);
	CHECK(rc == -EINVAL, "'%s': rc %d size %llu", text, rc, size);
}

/* liblustreapi.c:240-315; lhsmtool_posix parses --chunk-size and --bandwidth with it (bandwidth in MB) */
static void test_parse_size(void)
{
	size_is("4096", 0, 0, 4096, 1);
	size_is("0x10", 0, 0, 16, 1);
	size_is("10", 1 << 20, 0, 10ULL << 20, 1 << 20); /* dimensionless: the caller's unit */
	size_is("1k", 0, 0, 1024, 1024);
	size_is("1K", 0, 0, 1024, 1024);
	size_is("1M", 0, 0, 1 << 20, 1 << 20);
	size_is("1MiB", 0, 0, 1 << 20, 1 << 20);
	size_is("1MB", 0, 0, 1 << 20, 1 << 20);
	size_is("2g", 0, 0, 2ULL << 30, 1 << 30);
	size_is("1t", 0, 0, 1ULL << 40, 1ULL << 40);
	size_is("1p", 0, 0, 1ULL << 50, 1ULL << 50);
	size_is("1e", 0, 0, 1ULL << 60, 1ULL << 60);
	size_is("1.5M", 0, 0, 3ULL << 19, 1 << 20);
	size_is("0.25k", 0, 0, 256, 1024);
	size_is("8b", 0, 0, 8 * 512, 512); /* sectors */
	size_is("8b", 0, 1, 8, 1);         /* bytes */
	size_is("8c", 0, 0, 8, 1);
	size_refused("-1", 0);
	size_refused("1x", 0);
	size_refused("1Mx", 0);
	size_refused("16e", 0);               /* 16 << 60 overflows */
	size_refused("36028797018963968b", 0); /* 2^55 sectors overflow */
}

static void fid_is(const char *text, int rc_expected, unsigned long long seq, unsigned int oid, unsigned int ver,
		   const char *rest)
{
	struct lu_fid fid = { 0, 0, 0 };
	char *end = NULL;
	errno = 12345;
	int rc = llapi_fid_parse(text, &fid, &end);
	CHECK(rc == rc_expected && errno == -rc_expected, "'%s': rc %d (expected %d) errno %d", text, rc, rc_expected,
	      errno);
	if (rc_expected == 0)
		CHECK(fid.f_seq == seq && fid.f_oid == oid && fid.f_ver == ver, "'%s': " DFID, text, PFID(&fid));
	if (rest != NULL)
		CHECK(end != NULL && strcmp(end, rest) == 0, "'%s': rest '%s', expected '%s'", text, end ? end : "(null)",
		      rest);
}

/* liblustreapi_fid.c:80-148 */
static void test_fid_parse(void)
{
	fid_is("[0x200000400:0x1:0x0]", 0, 0x200000400ULL, 1, 0, "");
	fid_is("0x200000400:0x2:0x0", 0, 0x200000400ULL, 2, 0, "");
	fid_is("  [0x200000401:0x10:0x3] [0x200000402:0x1:0x0]", 0, 0x200000401ULL, 0x10, 3,
	       " [0x200000402:0x1:0x0]"); /* lhsmtool_posix --rebind reads "OLD NEW" lines this way */
	fid_is("12:34:0", 0, 12, 34, 0, "");       /* decimal, as strtoull base 0 reads it: an IGIF */
	fid_is("0x200000400:0x1", -EINVAL, 0, 0, 0, NULL);
	fid_is("/qwerty/uyt", -EINVAL, 0, 0, 0, NULL);
	fid_is("0x200000400:0x100000000:0x0", -ERANGE, 0, 0, 0, ""); /* oid wider than 32 bits, whole FID consumed */
	fid_is("0x200000400:0x1:0x100000000]", -ERANGE, 0, 0, 0, NULL);
	struct lu_fid fid;
	CHECK(llapi_fid_parse(NULL, &fid, NULL) == -EINVAL, "NULL string");
	CHECK(llapi_fid_parse("[0x1:0x2:0x3]", NULL, NULL) == -EINVAL, "NULL fid");
}

/* include/uapi/linux/lustre/lustre_fid.h, lustre_idl.h enum fid_seq */
static void test_fid_kinds(void)
{
	struct lu_fid file = { 0x200000400ULL, 1, 0 }, igif = { 12, 34, 0 }, root = { 0x200000007ULL, 1, 0 },
		      idif = { 0x100000000ULL, 1, 0 };
	CHECK(fid_is_norm(&file) && !fid_is_igif(&file), "a file's FID is normal");
	CHECK(fid_is_igif(&igif) && !fid_is_norm(&igif), "an IGIF");
	CHECK(!fid_is_norm(&root) && !fid_is_igif(&root), "the root is neither");
	CHECK(!fid_is_norm(&idif) && !fid_is_igif(&idif), "an OST object (IDIF) is neither");
	struct lu_fid versioned = { 0x857765760ULL, 8, 2 };
	CHECK(fid_is_sane(&file) && fid_is_sane(&igif) && fid_is_sane(&root) && fid_is_sane(&idif), "sane FIDs");
	CHECK(!fid_is_sane(&versioned), "a normal sequence with a version is not sane (sanity-hsm 29a)");
	CHECK(FID_SEQ_NORMAL == 0x200000400ULL && FID_SEQ_ROOT == 0x200000007ULL, "sequences");
	CHECK(LL_HSM_ORIGIN_MAX_ARCHIVE == 32, "LL_HSM_ORIGIN_MAX_ARCHIVE %zu", LL_HSM_ORIGIN_MAX_ARCHIVE);
	CHECK(strcmp(XATTR_TRUSTED_PREFIX, "trusted.") == 0, "XATTR_TRUSTED_PREFIX");
}

/* include/uapi/linux/lustre/lustre_user.h: what lhsmtool_posix saves at archive and sets at restore */
static void test_layout_declarations(void)
{
	CHECK(O_LOV_DELAY_CREATE == (O_NOCTTY | FASYNC) && O_LOV_DELAY_CREATE == 020400, "O_LOV_DELAY_CREATE %#o",
	      O_LOV_DELAY_CREATE);
	CHECK(strcmp(XATTR_LUSTRE_LOV, "lustre.lov") == 0, "XATTR_LUSTRE_LOV %s", XATTR_LUSTRE_LOV);
	CHECK(LOV_USER_MAGIC_V1 == 0x0BD10BD0 && LOV_USER_MAGIC_V3 == 0x0BD30BD0, "magics");
	CHECK(sizeof(struct lov_user_md) == 32 && sizeof(struct lov_user_md_v3) == 48 &&
		      sizeof(struct lov_user_ost_data) == 24,
	      "sizes %zu %zu %zu", sizeof(struct lov_user_md), sizeof(struct lov_user_md_v3),
	      sizeof(struct lov_user_ost_data));
	CHECK(offsetof(struct lov_user_md, lmm_stripe_offset) == 30 &&
		      offsetof(struct lov_user_md_v3, lmm_pool_name) == 32,
	      "offsets");
	CHECK(LOV_PATTERN_RAID0 == 1 && LOV_PATTERN_F_RELEASED == 0x80000000U && LOV_PATTERN_DEFAULT == 0xffffffffU,
	      "patterns");
	CHECK(MAX_OBD_NAME == 128 && LUSTRE_MAXFSNAME == 8, "name limits");
	CHECK(strcmp(dot_lustre_name, ".lustre") == 0, "dot_lustre_name");
	CHECK(strcmp(hsm_copytool_action2name(HSMA_RESTORE), "RESTORE") == 0 &&
		      strcmp(hsm_user_action2name(HUA_RELEASE), "RELEASE") == 0 &&
		      strcmp(hsm_progress_state2name(HPS_RUNNING), "running") == 0,
	      "action and state names");
}

/* include/lustre/lustreapi.h llapi_msg_level2str: LOGGED_MESSAGE events name the level so */
static void test_level_names(void)
{
	CHECK(strcmp(llapi_msg_level2str(LLAPI_MSG_WARN), "WARNING") == 0, "%s", llapi_msg_level2str(LLAPI_MSG_WARN));
	CHECK(strcmp(llapi_msg_level2str(LLAPI_MSG_ERROR), "ERROR") == 0, "%s", llapi_msg_level2str(LLAPI_MSG_ERROR));
	CHECK(llapi_msg_level2str(LLAPI_MSG_MAX) == NULL, "past the end");
}

int main(void)
{
	test_parse_size();
	test_fid_parse();
	test_fid_kinds();
	test_layout_declarations();
	test_level_names();
	printf("llapi_util_test: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
