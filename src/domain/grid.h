/*
 * grid.h — the three-level work grid (市镇村三级统战工作网格) as a
 * measured fact: which villages lack a liaison, which departments lack a
 * leader in charge, each town's clerk and staffing.
 */
#ifndef TX_DOMAIN_GRID_H
#define TX_DOMAIN_GRID_H

#include "domain/domain.h"

/* The grid of the subtree of `unit` (the actor's scope root when 0). */
tx_err grid_report(dctx *c, int64_t unit, json_t **out);

#endif
