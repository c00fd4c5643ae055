/*
 * test_flows.c — unit tests of the case flow tables (src/domain/flows.c)
 * and of attachment sniffing and download names (src/io/filetype.c).
 *
 *   make build/unit/test_flows && build/unit/test_flows
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/flows.h"
#include "io/filetype.h"
#include "model/model.h"

static void test_tables_consistent(void **state)
{
	(void)state;
	char why[256] = "";
	if (flow_check(why, sizeof why))
		fail_msg("%s", why);
	/* Every type is in the case_type dictionary, every terminal state is reachable. */
	for (size_t i = 0; i < flow_types_count; i++) {
		const flow_type *t = flow_types[i];
		assert_non_null(model_dict_item("case_type", t->code));
		for (size_t s = 0; s < t->nstates; s++) {
			int reached = strcmp(t->states[s].code, t->initial) == 0;
			for (size_t k = 0; k < t->ntrs && !reached; k++)
				reached = t->trs[k].to && strcmp(t->trs[k].to, t->states[s].code) == 0;
			if (!reached)
				fail_msg("%s: state %s cannot be reached", t->code, t->states[s].code);
		}
		for (size_t k = 0; k < t->ntrs; k++) {
			const flow_transition *tr = &t->trs[k];
			/* A rating branch needs the rating; a deadline only where work is handed out. */
			if (tr->when_rating && !(tr->requires & RQ_RATING))
				fail_msg("%s.%s: rating branch without the rating", t->code, tr->action);
			if ((tr->effects & FX_ASSIGN) && !(tr->requires & RQ_LEAD_UNIT))
				fail_msg("%s.%s: assigns without a lead unit", t->code, tr->action);
		}
	}
}

/* Only rows without a guard may be taken. */
static int only_unguarded(case_guard g, const void *ctx)
{
	(void)ctx;
	return g == G_NONE;
}

static void test_pick(void **state)
{
	(void)state;
	const flow_type *p = flow_type_find("proposal");
	assert_non_null(p);
	case_guard failed;
	const flow_transition *tr = flow_pick(p, "rate", "answered", CR_SUBMITTER, "unsatisfied", NULL, NULL, &failed);
	assert_non_null(tr);
	assert_string_equal(tr->to, "handling");
	tr = flow_pick(p, "rate", "answered", CR_SUBMITTER, "satisfied", NULL, NULL, &failed);
	assert_non_null(tr);
	assert_string_equal(tr->to, "closed");
	/* After the first round (its guard fails) 不满意 closes. */
	tr = flow_pick(p, "rate", "answered", CR_SUBMITTER, "unsatisfied", only_unguarded, NULL, &failed);
	assert_non_null(tr);
	assert_string_equal(tr->to, "closed");
	/* A guard that stops the only row is named. */
	assert_null(flow_pick(p, "submit", "draft", CR_SUBMITTER, NULL, only_unguarded, NULL, &failed));
	assert_int_equal(failed, G_ALL_SIGNED);
	/* Not the submitter's to take; not in this state; no such action. */
	assert_null(flow_pick(p, "rate", "answered", CR_OFFICE, "satisfied", NULL, NULL, &failed));
	assert_int_equal(failed, G_NONE);
	assert_null(flow_pick(p, "rate", "handling", CR_SUBMITTER, "satisfied", NULL, NULL, &failed));
	assert_null(flow_pick(p, "fly", "draft", ~0u, NULL, NULL, NULL, &failed));
	assert_true(flow_state_in("submitted reviewing registered", "reviewing"));
	assert_false(flow_state_in("submitted reviewing registered", "review"));
	assert_true(flow_state_terminal(p, "closed"));
	assert_false(flow_state_terminal(p, "draft"));
	json_t *j = flow_types_json();
	assert_int_equal(json_array_size(json_object_get(j, "items")), flow_types_count);
	json_decref(j);
}

static void test_sniff(void **state)
{
	(void)state;
	assert_string_equal(filetype_sniff("\xFF\xD8\xFF\xE0....", 8), "image/jpeg");
	assert_string_equal(filetype_sniff("\x89PNG\r\n\x1a\n....", 12), "image/png");
	assert_string_equal(filetype_sniff("%PDF-1.7\n", 9), "application/pdf");
	assert_string_equal(filetype_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), "application/msword");
	assert_null(filetype_sniff("<html><script>alert(1)</script>", 31));
	assert_null(filetype_sniff("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 41));
	assert_null(filetype_sniff("MZ\x90\x00", 4));
	assert_null(filetype_sniff("PK\x03\x04 not really a zip", 22));
	assert_null(filetype_sniff("", 0));
	assert_null(filetype_sniff("\xFF\xD8", 2));
}

static void test_names(void **state)
{
	(void)state;
	char *n = filetype_clean_name("../../etc/passwd", NULL);
	assert_string_equal(n, "passwd");
	free(n);
	n = filetype_clean_name("C:\\Users\\a\\现场照片.jpg", "image/jpeg");
	assert_string_equal(n, "现场照片.jpg");
	free(n);
	n = filetype_clean_name("a\r\nSet-Cookie: x\".pdf", NULL);
	assert_null(strpbrk(n, "\r\n\""));
	free(n);
	n = filetype_clean_name("..", "application/pdf");
	assert_string_equal(n, "file.pdf");
	free(n);
	n = filetype_clean_name(NULL, "image/png");
	assert_string_equal(n, "file.png");
	free(n);

	char *d = filetype_disposition("答复 意见\".pdf", 0);
	assert_non_null(strstr(d, "attachment; filename=\""));
	assert_non_null(strstr(d, "filename*=UTF-8''"));
	assert_null(strpbrk(d, "\r\n"));
	/* Only one pair of quotes: the name cannot break out of them. */
	int quotes = 0;
	for (const char *p = d; *p; p++)
		quotes += *p == '"';
	assert_int_equal(quotes, 2);
	free(d);
	d = filetype_disposition(".pdf", 1);
	assert_string_equal(d, "inline; filename=\"file.pdf\"; filename*=UTF-8''.pdf");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_tables_consistent),
	        cmocka_unit_test(test_pick),
	        cmocka_unit_test(test_sniff),
	        cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
