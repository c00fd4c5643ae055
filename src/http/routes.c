/*
 * routes.c — the route table and its matcher and OpenAPI generator.
 *
 * Add a route by adding a row: the pipeline then authenticates, checks
 * the permission, checks CSRF, validates the body against the named model
 * entity, runs writes in a transaction and audits them, all before and
 * after the handler, which stays a thin call into domain/.
 */
#include "http/routes.h"

#include <string.h>

#include "http/handlers.h"
#include "model/model.h"

#define API "/api/v1"

/* clang-format off */
const struct route routes[] = {
	{"GET", "/healthz", h_healthz, NULL, R_PUBLIC | R_RAW, NULL, NULL, NULL, "system", "Health check"},
	{"GET", "/metrics", h_metrics, NULL, R_PUBLIC | R_RAW, NULL, NULL, NULL, "system", "Prometheus metrics"},
	{"POST", API "/session", h_session_create, NULL, R_PUBLIC | R_CREATE | R_NO_AUDIT, "login", NULL, NULL, "session", "Sign in"},
	{"DELETE", API "/session", h_session_delete, NULL, R_WRITE | R_PWGATE, NULL, "session.delete", "user", "session", "Sign out"},
	{"GET", API "/me", h_me, NULL, R_PWGATE, NULL, NULL, NULL, "session", "The signed-in user"},
	{"POST", API "/me/password", h_me_password, NULL, R_WRITE | R_PWGATE | R_CREATE, "password_change", "user.password_change", "user", "session", "Change own password"},
	{"GET", API "/meta", h_meta, NULL, 0, NULL, NULL, NULL, "model", "Entities, fields and dictionaries"},
	{"GET", API "/openapi.json", h_openapi, NULL, R_PUBLIC, NULL, NULL, NULL, "model", "This API in OpenAPI 3.0"},

	{"GET", API "/units", h_unit_list, "unit:read", 0, NULL, NULL, NULL, "units", "Children, roots or a filtered subtree"},
	{"POST", API "/units", h_unit_create, "unit:create", R_WRITE | R_CREATE, "unit", "unit.create", "unit", "units", "Create a unit"},
	{"GET", API "/units/{id}", h_unit_get, "unit:read", 0, NULL, NULL, NULL, "units", "One unit"},
	{"PATCH", API "/units/{id}", h_unit_update, "unit:update", R_WRITE, "unit", "unit.update", "unit", "units", "Update a unit"},
	{"DELETE", API "/units/{id}", h_unit_delete, "unit:delete", R_WRITE, NULL, "unit.delete", "unit", "units", "Delete a leaf unit"},
	{"POST", API "/units/{id}/move", h_unit_move, "unit:update", R_WRITE | R_CREATE, "unit_move", "unit.move", "unit", "units", "Move a unit and its subtree"},

	{"GET", API "/users", h_user_list, "user:read", 0, NULL, NULL, NULL, "users", "Users in scope"},
	{"POST", API "/users", h_user_create, "user:create", R_WRITE | R_CREATE, "user", "user.create", "user", "users", "Create a user"},
	{"GET", API "/users/{id}", h_user_get, "user:read", 0, NULL, NULL, NULL, "users", "One user"},
	{"PATCH", API "/users/{id}", h_user_update, "user:update", R_WRITE, "user", "user.update", "user", "users", "Update a user"},
	{"DELETE", API "/users/{id}", h_user_delete, "user:delete", R_WRITE, NULL, "user.deactivate", "user", "users", "Deactivate a user"},
	{"POST", API "/users/{id}/password", h_user_password, "user:update", R_WRITE | R_CREATE, "password_reset", "user.password_reset", "user", "users", "Reset a password (forces a change)"},
	{"POST", API "/users/{id}/unlock", h_user_unlock, "user:unlock", R_WRITE, NULL, "user.unlock", "user", "users", "Unlock an account"},
	{"PUT", API "/users/{id}/roles", h_user_roles, "user:grant", R_WRITE | R_CREATE, "user_roles", "user.grant", "user", "users", "Set a user's roles"},

	{"GET", API "/roles", h_role_list, "role:read", 0, NULL, NULL, NULL, "roles", "Roles and permissions"},
	{"POST", API "/roles", h_role_create, "role:write", R_WRITE | R_CREATE, "role", "role.create", "role", "roles", "Create a role"},
	{"PATCH", API "/roles/{code}", h_role_update, "role:write", R_WRITE, "role", "role.update", "role", "roles", "Update a role"},
	{"DELETE", API "/roles/{code}", h_role_delete, "role:write", R_WRITE, NULL, "role.delete", "role", "roles", "Delete a role"},

	{"GET", API "/dicts", h_dict_list, NULL, 0, NULL, NULL, NULL, "model", "Every dictionary, built-in and local"},
	{"POST", API "/dicts", h_dict_create, "dict:write", R_WRITE | R_CREATE, "local_dict", "dict.create", "dict", "model", "Add a local dictionary"},
	{"PATCH", API "/dicts/{code}", h_dict_update, "dict:write", R_WRITE, "local_dict", "dict.update", "dict", "model", "Change a local dictionary (items are replaced)"},
	{"DELETE", API "/dicts/{code}", h_dict_delete, "dict:write", R_WRITE, NULL, "dict.delete", "dict", "model", "Delete a local dictionary"},
	{"GET", API "/grid", h_grid, "grid_post:read", 0, NULL, NULL, NULL, "grid", "The work grid: gaps, clerks, staffing"},
	{"GET", API "/audit", h_audit_list, "audit:read", 0, NULL, NULL, NULL, "audit", "The audit log, newest first"},

	/* Cases (docs/cases.md): suggestions, proposals, enterprise requests, petitions, mediation. */
	{"GET", API "/case_types", h_case_types, NULL, 0, NULL, NULL, NULL, "cases", "Every case type: states, transitions, create fields"},
	{"GET", API "/cases", h_case_list, NULL, 0, NULL, NULL, NULL, "cases", "Cases the caller may see, newest first (?type=&state=&figure=&unit=&lead_unit=&from=&to=&q=&mine=1)"},
	{"POST", API "/cases", h_case_create, "case:submit", R_WRITE | R_CREATE, "case_create", "case.create", "case", "cases", "Create a case"},
	{"GET", API "/cases/figures", h_case_figures, "case:read", 0, NULL, NULL, NULL, "cases", "Figures of the cases in scope, and the handling units ranked"},
	{"GET", API "/cases/similar", h_case_similar, NULL, 0, NULL, NULL, NULL, "cases", "Registered cases whose titles look like ?q="},
	{"GET", API "/cases/addressees", h_case_addressees, "case:submit", 0, NULL, NULL, NULL, "cases", "Users a case can be addressed to (?kind=leader|signer)"},
	{"GET", API "/cases/{id}", h_case_get, NULL, 0, NULL, NULL, NULL, "cases", "One case with its timeline, files and the actions open to the caller"},
	{"PATCH", API "/cases/{id}", h_case_update, NULL, R_WRITE, "case_patch", "case.update", "case", "cases", "Edit a draft (its submitter)"},
	{"POST", API "/cases/{id}/act", h_case_act, NULL, R_WRITE | R_CREATE, "case_action", "case.act", "case", "cases", "Take an action of the case's flow"},
	{"POST", API "/cases/{id}/files", h_case_file_add, NULL, R_WRITE | R_UPLOAD | R_FILE, NULL, "case.file", "case", "cases", "Attach a file: the raw bytes as the body (?name=; JPEG, PNG, PDF, Office; at most 10 MiB)"},
	{"GET", API "/cases/{id}/files/{fid}", h_case_file_get, NULL, 0, NULL, NULL, NULL, "cases", "An attachment"},
	{"GET", API "/inbox", h_case_inbox, NULL, 0, NULL, NULL, NULL, "cases", "What waits for me or my unit, overdue, due this week"},
	{"GET", API "/notices", h_notice_list, NULL, 0, NULL, NULL, NULL, "cases", "My notices, newest first (?unread=1)"},
	{"POST", API "/notices/read_all", h_notice_read_all, NULL, 0, NULL, NULL, NULL, "cases", "Mark all my notices read"},
	{"POST", API "/notices/{id}/read", h_notice_read, NULL, 0, NULL, NULL, NULL, "cases", "Mark a notice read"},

	/* Import and export of record entities (before the generic routes, which would take "import" for an id). */
	{"GET", API "/person/{id}/photo", h_photo_get, "person:read", 0, NULL, NULL, NULL, "records", "A person's photo (JPEG or PNG)"},
	{"PUT", API "/person/{id}/photo", h_photo_put, "person:update", R_WRITE | R_UPLOAD | R_IMAGE, NULL, "person.photo", "person", "records", "Set a person's photo: the raw image as the body (image/jpeg or image/png, at most 2 MiB)"},
	{"DELETE", API "/person/{id}/photo", h_photo_delete, "person:update", R_WRITE, NULL, "person.photo_delete", "person", "records", "Remove a person's photo"},
	{"POST", API "/{entity}/import", h_import_start, ":create", R_ENTITY | R_UPLOAD, NULL, "import", NULL, "transfer", "Upload an .xlsx or .csv file to import (?mode=skip|update|refuse); 202 with the job, whose dry run starts at once"},
	{"GET", API "/{entity}/export", h_export, ":read", R_ENTITY, NULL, "export", NULL, "transfer", "The records in scope as .xlsx or .csv (?format=, filters as for the list; masked unless unmasked=1 with a reason; audited)"},
	{"GET", API "/{entity}/template", h_template, ":read", R_ENTITY, NULL, NULL, NULL, "transfer", "The import template (.xlsx): Chinese headers, required ones marked *, and the dictionary values"},
	{"GET", API "/imports/{id}", h_import_get, NULL, 0, NULL, NULL, NULL, "transfer", "An import job of the caller: status, progress, errors, counts"},
	{"POST", API "/imports/{id}/commit", h_import_commit, NULL, 0, NULL, NULL, NULL, "transfer", "Write a validated import job in one transaction (409 unless its dry run is ready without errors)"},

	/* Every record entity of the model (person, organisation, grid_post, …); keep these last. */
	{"GET", API "/{entity}", h_record_list, ":read", R_ENTITY, NULL, NULL, NULL, "records", "Records in scope, filtered and paged"},
	{"POST", API "/{entity}", h_record_create, ":create", R_ENTITY | R_WRITE | R_CREATE, "*", "create", NULL, "records", "Create a record"},
	{"GET", API "/{entity}/count", h_record_count, ":read", R_ENTITY, NULL, NULL, NULL, "records", "Counts in scope, grouped by a field"},
	{"GET", API "/{entity}/{id}", h_record_get, ":read", R_ENTITY, NULL, NULL, NULL, "records", "One record (sensitive fields masked)"},
	{"PATCH", API "/{entity}/{id}", h_record_update, ":update", R_ENTITY | R_WRITE, "*", "update", NULL, "records", "Update a record"},
	{"DELETE", API "/{entity}/{id}", h_record_delete, ":delete", R_ENTITY | R_WRITE, NULL, "delete", NULL, "records", "Delete a record"},
	{"POST", API "/{entity}/{id}/reveal", h_record_reveal, ":reveal", R_ENTITY | R_WRITE | R_CREATE, "reveal", "reveal", NULL, "records", "One sensitive value in clear, with a reason (audited)"},
};
/* clang-format on */

const size_t routes_count = sizeof routes / sizeof routes[0];

/* Does `path` match `pattern`? Captures {…} segments into r->params. */
static int match(const char *pattern, const char *path, req *r)
{
	int n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *pe = strchr(p, '}');
			const char *se = strchr(s, '/');
			if (!pe)
				return 0;
			if (!se)
				se = s + strlen(s);
			size_t len = (size_t)(se - s);
			if (len == 0 || len >= sizeof r->pbuf[0] || n >= REQ_MAX_PARAMS)
				return 0;
			if (r) {
				memcpy(r->pbuf[n], s, len);
				r->pbuf[n][len] = 0;
				r->params[n] = r->pbuf[n];
			}
			n++;
			p = pe + 1;
			s = se;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	if (*p || *s)
		return 0;
	if (r)
		r->nparams = n;
	return 1;
}

const struct route *routes_match(const char *method, const char *path, req *r, int *path_known)
{
	*path_known = 0;
	for (size_t i = 0; i < routes_count; i++) {
		if (!match(routes[i].pattern, path, NULL))
			continue;
		if (strcmp(routes[i].method, method) != 0 && !(strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
			*path_known = 1;
			continue;
		}
		match(routes[i].pattern, path, r);
		return &routes[i];
	}
	return NULL;
}

json_t *routes_openapi(void)
{
	json_t *paths = json_object();
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *rt = &routes[i];
		json_t *item = json_object_get(paths, rt->pattern);
		if (!item) {
			item = json_object();
			json_object_set_new(paths, rt->pattern, item);
		}
		char lower[8] = {0};
		for (size_t k = 0; k < sizeof lower - 1 && rt->method[k]; k++)
			lower[k] = (char)(rt->method[k] | 0x20);
		json_t *op = json_pack("{s:s, s:[s], s:{s:{s:s}, s:{s:s}}}", "summary", rt->summary, "tags", rt->tag,
		                       "responses", "200", "description", "OK", "default", "description",
		                       "Error envelope {error:{code,message,fields}}");
		if (rt->perm)
			json_object_set_new(op, "x-permission", json_string(rt->perm));
		if (rt->flags & R_PUBLIC)
			json_object_set_new(op, "security", json_array());
		json_t *params = json_array();
		for (const char *p = strchr(rt->pattern, '{'); p; p = strchr(p + 1, '{')) {
			const char *e = strchr(p, '}');
			json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1, (size_t)(e - p - 1),
			                                        "in", "path", "required", 1, "schema", "type", "string"));
		}
		if (json_array_size(params))
			json_object_set_new(op, "parameters", params);
		else
			json_decref(params);
		if (rt->flags & R_UPLOAD)
			json_object_set_new(op, "requestBody",
			                    json_pack("{s:b, s:{s:{s:{s:s, s:s}}, s:{s:{s:s, s:s}}}}", "required", 1, "content",
			                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			                              "schema", "type", "string", "format", "binary", "text/csv", "schema",
			                              "type", "string", "format", "binary"));
		if (rt->body) {
			const model_entity *e = model_entity_find(rt->body);
			if (e)
				json_object_set_new(op, "requestBody",
				                    json_pack("{s:b, s:{s:{s:o}}}", "required", 1, "content", "application/json",
				                              "schema", model_schema_json(e)));
		}
		json_object_set_new(item, lower, op);
	}
	return json_pack("{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}}, s:[{s:[]}, {s:[]}]}",
	                 "openapi", "3.0.3", "info", "title", "Tongxin API", "version", "1", "description",
	                 "同心 · 基层统战工作平台", "paths", paths, "components", "securitySchemes", "bearer", "type", "http",
	                 "scheme", "bearer", "cookie", "type", "apiKey", "in", "cookie", "name", "tx_session", "security",
	                 "bearer", "cookie");
}
