/*
 * handlers.h — the thin handlers named by the route table.
 *
 * Each turns request input into one domain call and its answer into
 * r->resp/r->status. See req.h for what the pipeline has done before.
 */
#ifndef TX_HTTP_HANDLERS_H
#define TX_HTTP_HANDLERS_H

#include "http/req.h"

/* h_session.c */
tx_err h_session_create(req *r);
tx_err h_session_delete(req *r);
tx_err h_me(req *r);
tx_err h_me_password(req *r);

/* h_unit.c */
tx_err h_unit_list(req *r);
tx_err h_unit_get(req *r);
tx_err h_unit_create(req *r);
tx_err h_unit_update(req *r);
tx_err h_unit_move(req *r);
tx_err h_unit_delete(req *r);

/* h_user.c */
tx_err h_user_list(req *r);
tx_err h_user_get(req *r);
tx_err h_user_create(req *r);
tx_err h_user_update(req *r);
tx_err h_user_delete(req *r);
tx_err h_user_password(req *r);
tx_err h_user_unlock(req *r);
tx_err h_user_roles(req *r);
tx_err h_role_list(req *r);
tx_err h_role_create(req *r);
tx_err h_role_update(req *r);
tx_err h_role_delete(req *r);

/* h_record.c */
tx_err h_grid(req *r);
tx_err h_photo_get(req *r);
tx_err h_photo_put(req *r);
tx_err h_photo_delete(req *r);
tx_err h_record_list(req *r);
tx_err h_record_count(req *r);
tx_err h_record_get(req *r);
tx_err h_record_create(req *r);
tx_err h_record_update(req *r);
tx_err h_record_delete(req *r);
tx_err h_record_reveal(req *r);

/* h_transfer.c */
tx_err h_import_start(req *r);
tx_err h_import_get(req *r);
tx_err h_import_commit(req *r);
tx_err h_export(req *r);
tx_err h_template(req *r);

/* h_dict.c */
tx_err h_dict_list(req *r);
tx_err h_dict_create(req *r);
tx_err h_dict_update(req *r);
tx_err h_dict_delete(req *r);

/* h_case.c */
tx_err h_case_types(req *r);
tx_err h_case_list(req *r);
tx_err h_case_figures(req *r);
tx_err h_case_create(req *r);
tx_err h_case_get(req *r);
tx_err h_case_update(req *r);
tx_err h_case_act(req *r);
tx_err h_case_inbox(req *r);
tx_err h_case_similar(req *r);
tx_err h_case_addressees(req *r);
tx_err h_case_file_add(req *r);
tx_err h_case_file_get(req *r);
tx_err h_notice_list(req *r);
tx_err h_notice_read(req *r);
tx_err h_notice_read_all(req *r);

/* h_system.c */
tx_err h_audit_list(req *r);
tx_err h_meta(req *r);
tx_err h_openapi(req *r);
tx_err h_healthz(req *r);
tx_err h_metrics(req *r);

/* Put a {items, next} page into r->resp. */
void h_page(req *r, json_t *items, int64_t next);

#endif
