/* services/gateway/decode.c — the gateway's request-body decoders. Each
 * parses with tm_json_parse_object (depth bounded before cJSON recurses),
 * refuses unknown and duplicate members, and copies what it keeps into the
 * caller's bounded buffers; the tree never leaves this file. */
#include "services/gateway/decode.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/json.h"
#include "common/perm.h"

static int
email_ok(const char *e)
{
    const char *at = strchr(e, '@');

    if (!at || at == e || !at[1] || strchr(at + 1, '@'))
        return 0;
    for (; *e; e++)
        if (*e == ' ' || (unsigned char)*e < 0x21)
            return 0;
    return 1;
}

static enum tm_code
stores_array(const cJSON *o, int64_t *stores, int *n, unsigned *set, struct tm_err *err)
{
    enum tm_code rc = tm_json_ids(o, "stores", GW_STORES_MAX, stores, n, err);

    if (rc == TM_OK && tm_json_member(o, "stores"))
        *set |= GW_F_STORES;
    return rc;
}

enum tm_code
gw_decode_login(const char *body, size_t len, char email[GW_EMAIL_MAX + 1],
                char password[GW_PASSWORD_MAX + 1], struct tm_err *err)
{
    static const char *const fields[] = {"email", "password"};
    cJSON *o = NULL;
    enum tm_code rc;

    if ((rc = tm_json_parse_object(body, len, "body", &o, err)) == TM_OK &&
        (rc = tm_json_only(o, fields, 2, err)) == TM_OK &&
        (rc = tm_json_str(o, "email", 1, GW_EMAIL_MAX, email, GW_EMAIL_MAX + 1, err)) == TM_OK)
        rc = tm_json_str(o, "password", 1, GW_PASSWORD_MAX, password, GW_PASSWORD_MAX + 1, err);
    cJSON_Delete(o);
    return rc;
}

enum tm_code
gw_decode_refresh(const char *body, size_t len, char token[GW_REFRESH_TOKEN_MAX + 1],
                  struct tm_err *err)
{
    static const char *const fields[] = {"refresh_token"};
    cJSON *o = NULL;
    enum tm_code rc;

    if ((rc = tm_json_parse_object(body, len, "body", &o, err)) == TM_OK &&
        (rc = tm_json_only(o, fields, 1, err)) == TM_OK)
        rc = tm_json_str(o, "refresh_token", 1, GW_REFRESH_TOKEN_MAX, token,
                         GW_REFRESH_TOKEN_MAX + 1, err);
    cJSON_Delete(o);
    return rc;
}

enum tm_code
gw_decode_logout(const char *body, size_t len, char token[GW_REFRESH_TOKEN_MAX + 1],
                 struct tm_err *err)
{
    static const char *const fields[] = {"refresh_token"};
    const cJSON *rt;
    cJSON *o = NULL;
    enum tm_code rc;

    token[0] = '\0';
    if (len == 0)
        return TM_OK;
    if ((rc = tm_json_parse_object(body, len, "body", &o, err)) == TM_OK &&
        (rc = tm_json_only(o, fields, 1, err)) == TM_OK &&
        (rt = tm_json_member(o, "refresh_token")))
        rc = tm_json_as_str(rt, "refresh_token", 1, GW_REFRESH_TOKEN_MAX, token,
                            GW_REFRESH_TOKEN_MAX + 1, err);
    cJSON_Delete(o);
    return rc;
}

static enum tm_code
user_fields(const cJSON *o, int create, struct gw_user_in *in, struct tm_err *err)
{
    static const char *const fields[] = {"email", "name", "role", "stores", "password", "active"};
    const char *roles[TM_ROLE_COUNT]; /* a user's: every role but pos (API keys'), then NULL */
    struct gw_user *u = &in->user;
    const cJSON *it;
    enum tm_code rc;
    int n_roles = 0, role;

    if ((rc = tm_json_only(o, fields, 6, err)) != TM_OK)
        return rc;
    if (create &&
        ((rc = tm_json_str(o, "email", 3, GW_EMAIL_MAX, u->email, sizeof u->email, err)) != TM_OK))
        return rc;
    if (create && !email_ok(u->email))
        return tm_err_set(err, TM_INVALID, "email", "email is not an address");
    if (!create && tm_json_member(o, "email"))
        return tm_err_set(err, TM_INVALID, "email", "email cannot change; create a new user");
    if ((it = tm_json_member(o, "name")) &&
        (rc = tm_json_as_str(it, "name", 0, GW_NAME_MAX, u->name, sizeof u->name, err)) != TM_OK)
        return rc;
    in->set |= it ? GW_F_NAME : 0;
    if ((it = tm_json_member(o, "role")) || create) {
        for (int r = 0; r < TM_ROLE_COUNT; r++)
            if (r != TM_ROLE_POS)
                roles[n_roles++] = tm_role_name((enum tm_role)r);
        roles[n_roles] = NULL;
        if ((rc = tm_json_enum(o, "role", roles, &role, err)) != TM_OK)
            return rc;
        snprintf(u->role, sizeof u->role, "%s", roles[role]);
        in->set |= GW_F_ROLE;
    }
    if ((rc = stores_array(o, u->stores, &u->n_stores, &in->set, err)) != TM_OK)
        return rc;
    if ((in->set & GW_F_ROLE) && strcmp(u->role, "store_manager") == 0 && u->n_stores == 0)
        return tm_err_set(err, TM_INVALID, "stores", "a store_manager needs at least one store");
    if ((it = tm_json_member(o, "password")) || create) {
        if ((rc = tm_json_str(o, "password", GW_PASSWORD_MIN, GW_PASSWORD_MAX, in->password,
                              sizeof in->password, err)) != TM_OK)
            return rc;
        in->set |= GW_F_PASSWORD;
    }
    if ((it = tm_json_member(o, "active"))) {
        if ((rc = tm_json_as_bool(it, "active", &u->active, err)) != TM_OK)
            return rc;
        in->set |= GW_F_ACTIVE;
    }
    if (!create && in->set == 0)
        return tm_err_set(err, TM_INVALID, "body", "nothing to update");
    return TM_OK;
}

enum tm_code
gw_decode_user(const char *body, size_t len, int create, struct gw_user_in *out, struct tm_err *err)
{
    cJSON *o = NULL;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    out->user.active = 1;
    if ((rc = tm_json_parse_object(body, len, "body", &o, err)) == TM_OK)
        rc = user_fields(o, create, out, err);
    cJSON_Delete(o);
    return rc;
}

enum tm_code
gw_decode_key_create(const char *body, size_t len, struct gw_api_key *out, struct tm_err *err)
{
    static const char *const fields[] = {"name", "stores"};
    unsigned set = 0;
    cJSON *o = NULL;
    enum tm_code rc;

    memset(out, 0, sizeof *out);
    if ((rc = tm_json_parse_object(body, len, "body", &o, err)) == TM_OK &&
        (rc = tm_json_only(o, fields, 2, err)) == TM_OK &&
        (rc = tm_json_str(o, "name", 1, GW_NAME_MAX, out->name, sizeof out->name, err)) == TM_OK &&
        (rc = stores_array(o, out->stores, &out->n_stores, &set, err)) == TM_OK &&
        out->n_stores == 0)
        rc = tm_err_set(err, TM_INVALID, "stores", "an API key needs at least one store");
    cJSON_Delete(o);
    return rc;
}

enum tm_code
gw_decode_key_update(const char *body, size_t len, struct tm_err *err)
{
    static const char *const fields[] = {"active"};
    int active = 1;
    cJSON *o = NULL;
    enum tm_code rc;

    if ((rc = tm_json_parse_object(body, len, "body", &o, err)) == TM_OK &&
        (rc = tm_json_only(o, fields, 1, err)) == TM_OK &&
        (rc = tm_json_as_bool(tm_json_member(o, "active"), "active", &active, err)) == TM_OK &&
        active)
        rc = tm_err_set(err, TM_INVALID, "active", "a disabled key stays disabled; create another");
    cJSON_Delete(o);
    return rc;
}
