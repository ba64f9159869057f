/* tests/unit/common/topic_test.c — the topic table against
 * proto/events.md, both ways: every topic documented in one of its tables
 * (a row "| `topic` | source | data |") is in common/topic.h with the same
 * source, and every topic in the table is documented. Runs from the
 * repository root, as make test does. */
#include <stdio.h>
#include <string.h>

#include "common/topic.h"

#include "tests/unit/common/suites.h"

#define DOC_TOPICS_MAX 64

struct doc_topic {
    char topic[64];
    char source[32];
};

/* The rows of proto/events.md's topic tables into t; returns how many. */
static int
load_events_md(struct doc_topic *t, int max)
{
    FILE *f = fopen("proto/events.md", "r");
    char line[4096];
    int n = 0;

    ck_assert_msg(f != NULL, "proto/events.md must exist (run from the repository root)");
    while (fgets(line, sizeof line, f)) {
        char topic[64], source[32];
        int end = 0;
        /* "| `txn.created` | txn | ...": a topic row; other rows (the
         * "Shape" table's "| `topic` | what happened ...") and prose are not */
        if (sscanf(line, "| `%63[a-z_.]` | %31[a-z] |%n", topic, source, &end) != 2 || end == 0 ||
            !strchr(topic, '.'))
            continue;
        ck_assert_msg(n < max, "more than %d topics documented", max);
        snprintf(t[n].topic, sizeof t[n].topic, "%s", topic);
        snprintf(t[n].source, sizeof t[n].source, "%s", source);
        n++;
    }
    fclose(f);
    return n;
}

START_TEST(test_topics_match_events_md_both_ways)
{
    struct doc_topic doc[DOC_TOPICS_MAX];
    int n = load_events_md(doc, DOC_TOPICS_MAX);

    ck_assert_int_ge(n, 1);
    for (int i = 0; i < n; i++) {
        int found = 0;
        for (int t = 0; t < TM_TOPIC_COUNT; t++)
            if (strcmp(tm_topic_name((enum tm_topic)t), doc[i].topic) == 0) {
                found = 1;
                ck_assert_msg(strcmp(tm_topic_source((enum tm_topic)t), doc[i].source) == 0,
                              "%s: events.md says source %s, common/topic.h %s", doc[i].topic,
                              doc[i].source, tm_topic_source((enum tm_topic)t));
            }
        ck_assert_msg(found, "proto/events.md documents %s, which common/topic.h lacks",
                      doc[i].topic);
    }
    for (int t = 0; t < TM_TOPIC_COUNT; t++) {
        int found = 0;
        for (int i = 0; i < n; i++)
            found |= strcmp(tm_topic_name((enum tm_topic)t), doc[i].topic) == 0;
        ck_assert_msg(found, "common/topic.h has %s, which proto/events.md does not document",
                      tm_topic_name((enum tm_topic)t));
    }
}
END_TEST

/* Names are unique and shaped <entity>.<verb> (proto/events.md, "Shape"). */
START_TEST(test_topic_names_unique_and_shaped)
{
    for (int t = 0; t < TM_TOPIC_COUNT; t++) {
        const char *s = tm_topic_name((enum tm_topic)t), *dot = strchr(s, '.');
        ck_assert_msg(dot && dot > s && dot[1] && !strchr(dot + 1, '.'), "topic %s", s);
        ck_assert(strspn(s, "abcdefghijklmnopqrstuvwxyz_.") == strlen(s));
        ck_assert(tm_topic_source((enum tm_topic)t)[0] != '\0');
        for (int u = 0; u < t; u++)
            ck_assert_str_ne(s, tm_topic_name((enum tm_topic)u));
    }
    ck_assert_str_eq(tm_topic_name(TM_TOPIC_TXN_CREATED), "txn.created");
    ck_assert_str_eq(tm_topic_source(TM_TOPIC_STOCK_LOW), "inventory");
}
END_TEST

Suite *
topic_suite(void)
{
    Suite *s = suite_create("topic");
    TCase *tc = tcase_create("table");

    tcase_add_test(tc, test_topics_match_events_md_both_ways);
    tcase_add_test(tc, test_topic_names_unique_and_shaped);
    suite_add_tcase(s, tc);
    return s;
}
