/*
 * Walks hsm_action_list and hsm_user_request images the way liblustreapi's helpers do, so the
 * alignment rules (items 8-byte aligned after a NUL-terminated, padded fsname; user data after
 * the items) are exercised at run time as well as the sizes checked at compile time.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lustre/lustreapi.h>

static int failures;

#define EXPECT_EQ(what, actual, expected)                                                          \
	do {                                                                                       \
		unsigned long long a_ = (unsigned long long)(actual);                              \
		unsigned long long e_ = (unsigned long long)(expected);                            \
		if (a_ != e_) {                                                                    \
			fprintf(stderr, "FAIL %s: got %llu, expected %llu\n", what, a_, e_);        \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static void test_first_item_follows_padded_fsname(void)
{
	_Alignas(8) char buf[512] = { 0 };
	struct hsm_action_list *hal = (struct hsm_action_list *)buf;

	strcpy(hal->hal_fsname, "lustre"); /* 7 bytes with NUL -> padded to 8 */
	EXPECT_EQ("hai_first offset, fsname 'lustre'", (char *)hai_first(hal) - buf, 40);

	strcpy(hal->hal_fsname, "testfs01"); /* 9 bytes with NUL -> padded to 16 */
	EXPECT_EQ("hai_first offset, fsname 'testfs01'", (char *)hai_first(hal) - buf, 48);
}

static void test_next_item_is_8_byte_aligned(void)
{
	_Alignas(8) char buf[512] = { 0 };
	struct hsm_action_item *hai = (struct hsm_action_item *)buf;

	hai->hai_len = sizeof(*hai) + 5; /* 77 bytes of item, next one at 80 */
	EXPECT_EQ("hai_next after 77-byte item", (char *)hai_next(hai) - buf, 80);
	hai->hai_len = sizeof(*hai);
	EXPECT_EQ("hai_next after bare item", (char *)hai_next(hai) - buf, 72);
}

static void test_user_request_data_follows_items(void)
{
	_Alignas(8) char buf[512] = { 0 };
	struct hsm_user_request *hur = (struct hsm_user_request *)buf;

	hur->hur_request.hr_itemcount = 3;
	hur->hur_request.hr_data_len = 10;
	EXPECT_EQ("hur_data offset with 3 items", (char *)hur_data(hur) - buf, 24 + 3 * 32);
	EXPECT_EQ("hur_len with 3 items and 10 data bytes", hur_len(hur), 24 + 3 * 32 + 10);
}

static void test_fid_text_format(void)
{
	struct lu_fid fid = { .f_seq = 0x200000401ULL, .f_oid = 0x1, .f_ver = 0x0 };
	char text[FID_LEN + 1];

	snprintf(text, sizeof(text), DFID, PFID(&fid));
	if (strcmp(text, "[0x200000401:0x1:0x0]") != 0) {
		fprintf(stderr, "FAIL fid text: got %s\n", text);
		failures++;
	}
}

static void test_hsm_changelog_flag_bits(void)
{
	/* RESTORE event with errno 5 and the dirty bit, as the MDT packs it into cr_flags */
	unsigned int flags = (5u << CLF_HSM_ERR_L) | ((unsigned)HE_RESTORE << CLF_HSM_EVENT_L) |
			     (CLF_HSM_DIRTY << CLF_HSM_FLAG_L);

	EXPECT_EQ("CL_HSM packed flags", flags, 0x485);
	EXPECT_EQ("CL_HSM flags fit CLF_FLAGMASK", flags & ~CLF_FLAGMASK, 0);
}

int main(void)
{
	test_first_item_follows_padded_fsname();
	test_next_item_is_8_byte_aligned();
	test_user_request_data_follows_items();
	test_fid_text_format();
	test_hsm_changelog_flag_bits();
	if (failures) {
		fprintf(stderr, "abi_layout_test: %d failure(s)\n", failures);
		return 1;
	}
	printf("abi_layout_test: 5 passed, 0 failed\n");
	return 0;
}
