/*
 * dicts.c — the built-in dictionaries (code tables).
 *
 * Each dictionary is data: value, Chinese and English label. Drop-downs in
 * the UI, validation of FT_DICT fields and import/export all read these.
 */
#include "model/model.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const dict_item unit_kind_items[] = {
	{"province", "省", "province"},
	{"city", "市", "city"},
	{"county", "县（市、区）", "county"},
	{"town", "镇", "town"},
	{"street", "街道", "street"},
	{"zone", "园区/开发区", "zone"},
	{"village", "村", "village"},
	{"community", "社区", "community"},
	{"department", "市直部门", "department"},
	{"party_committee", "民主党派委员会", "party committee"},
	{"party_branch", "民主党派支部", "party branch"},
	{"federation", "工商联", "federation of industry and commerce"},
	{"chamber", "商会", "chamber of commerce"},
	{"association", "社会团体", "association"},
	{"office", "内设机构", "office"},
};

static const dict_item role_scope_items[] = {
	{"all", "全部数据", "all data"},
	{"subtree", "本单位及以下", "own unit and below"},
	{"unit", "本单位", "own unit"},
	{"self", "仅本人", "own records only"},
};

static const dict_item permission_items[] = {
	{"unit:read", "查看单位", "read units"},
	{"unit:create", "新增单位", "create units"},
	{"unit:update", "修改单位", "update units"},
	{"unit:delete", "删除单位", "delete units"},
	{"user:read", "查看用户", "read users"},
	{"user:create", "新增用户", "create users"},
	{"user:update", "修改用户", "update users"},
	{"user:delete", "停用用户", "deactivate users"},
	{"user:unlock", "解锁用户", "unlock users"},
	{"user:grant", "分配角色", "grant roles"},
	{"role:read", "查看角色", "read roles"},
	{"role:write", "管理角色", "manage roles"},
	{"audit:read", "查看审计日志", "read the audit log"},
};

static const model_dict unit_kind = {"unit_kind", "单位类型", "unit kind", NULL, unit_kind_items,
                                     N(unit_kind_items)};
static const model_dict role_scope = {"role_scope", "数据范围", "data scope", NULL, role_scope_items,
                                      N(role_scope_items)};
static const model_dict permission = {"permission", "权限", "permission", NULL, permission_items,
                                      N(permission_items)};

const model_dict *const model_dicts[] = {&unit_kind, &role_scope, &permission};
const size_t model_dicts_count = N(model_dicts);
