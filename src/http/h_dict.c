/*
 * h_dict.c — dictionaries: built-in ones to read, local ones to maintain.
 */
#include "domain/dict.h"
#include "http/handlers.h"

tx_err h_dict_list(req *r)
{
	json_t *items;
	tx_err rc = dict_list(&r->dc, &items);
	if (!rc)
		h_page(r, items, 0);
	return rc;
}

tx_err h_dict_create(req *r)
{
	tx_err rc = dict_create(&r->dc, r->body, &r->resp);
	if (!rc)
		r->status = 201;
	return rc;
}

tx_err h_dict_update(req *r)
{
	return dict_update(&r->dc, r->params[0], r->body, &r->resp);
}

tx_err h_dict_delete(req *r)
{
	tx_err rc = dict_delete(&r->dc, r->params[0]);
	if (!rc)
		r->status = 204;
	return rc;
}
