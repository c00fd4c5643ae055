/*
 * entities.c — the entities and request forms of the model (see model.h).
 */
#include "model/model.h"

#include "model/validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const msg2 *check_division_code(const char *v)
{
	return validate_division_code(v);
}

static const msg2 *check_username(const char *v)
{
	return validate_username(v);
}

static const model_field unit_fields[] = {
	{"id", FT_INT, "编号", "ID", FF_READONLY | FF_LIST, 0, 0, 0, 0, 0},
	{"parent_id", FT_REF, "上级单位", "parent unit", FF_REQUIRED | FF_CREATE, 0, 0, 0, 0, 0},
	{"name", FT_TEXT, "名称", "name", FF_REQUIRED | FF_SEARCH | FF_LIST, 64, 0, 0, 0, 0},
	{"kind", FT_DICT, "类型", "kind", FF_REQUIRED | FF_LIST, 0, "unit_kind", 0, 0, 0},
	{"code", FT_TEXT, "统计用区划代码", "division code", FF_NULLABLE | FF_LIST, 12, 0, check_division_code, 0, 0},
	{"sort", FT_INT, "排序", "sort order", 0, 0, 0, 0, 0, 0},
	{"quota", FT_INT, "核定编制", "staffing quota", FF_NULLABLE, 0, 0, 0, 0, 0},
	{"actual_staff", FT_INT, "实有人员", "actual staff", FF_NULLABLE, 0, 0, 0, 0, 0},
	{"active", FT_BOOL, "启用", "active", FF_LIST, 0, 0, 0, 0, 0},
	{"path", FT_TEXT, "路径", "path", FF_READONLY, 0, 0, 0, 0, 0},
	{"child_count", FT_INT, "下级数", "children", FF_READONLY | FF_LIST, 0, 0, 0, 0, 0},
	{"version", FT_INT, "版本", "version", 0, 0, 0, 0, 0, 0},
};

static const model_field user_fields[] = {
	{"id", FT_INT, "编号", "ID", FF_READONLY | FF_LIST, 0, 0, 0, 0, 0},
	{"username", FT_TEXT, "用户名", "username", FF_REQUIRED | FF_CREATE | FF_SEARCH | FF_LIST, 32, 0,
	 check_username, 0, 0},
	{"name", FT_TEXT, "姓名", "name", FF_REQUIRED | FF_SEARCH | FF_LIST, 32, 0, 0, 0, 0},
	{"unit_id", FT_REF, "所属单位", "unit", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	{"roles", FT_LIST, "角色", "roles", FF_CREATE | FF_LIST, 16, 0, 0, 0, 0},
	{"password", FT_PASSWORD, "初始密码", "initial password", FF_REQUIRED | FF_CREATE, 128, 0, 0, 0, 0},
	{"active", FT_BOOL, "启用", "active", FF_LIST, 0, 0, 0, 0, 0},
	{"locked", FT_BOOL, "已锁定", "locked", FF_READONLY | FF_LIST, 0, 0, 0, 0, 0},
	{"must_change_password", FT_BOOL, "须修改密码", "must change password", FF_READONLY, 0, 0, 0, 0, 0},
	{"version", FT_INT, "版本", "version", 0, 0, 0, 0, 0, 0},
};

static const model_field role_fields[] = {
	{"code", FT_TEXT, "角色代码", "code", FF_REQUIRED | FF_CREATE | FF_LIST, 32, 0, check_username, 0, 0},
	{"name_zh", FT_TEXT, "角色名称", "name (Chinese)", FF_REQUIRED | FF_LIST, 32, 0, 0, 0, 0},
	{"name_en", FT_TEXT, "英文名称", "name (English)", FF_REQUIRED | FF_LIST, 64, 0, 0, 0, 0},
	{"scope", FT_DICT, "数据范围", "data scope", FF_REQUIRED | FF_LIST, 0, "role_scope", 0, 0, 0},
	{"permissions", FT_LIST, "权限", "permissions", FF_REQUIRED, 64, "permission", 0, 0, 0},
	{"builtin", FT_BOOL, "内置", "built-in", FF_READONLY | FF_LIST, 0, 0, 0, 0, 0},
	{"version", FT_INT, "版本", "version", 0, 0, 0, 0, 0, 0},
};

static const model_field login_fields[] = {
	{"username", FT_TEXT, "用户名", "username", FF_REQUIRED, 64, 0, 0, 0, 0},
	{"password", FT_PASSWORD, "密码", "password", FF_REQUIRED, 128, 0, 0, 0, 0},
};

static const model_field password_change_fields[] = {
	{"old_password", FT_PASSWORD, "原密码", "current password", FF_REQUIRED, 128, 0, 0, 0, 0},
	{"new_password", FT_PASSWORD, "新密码", "new password", FF_REQUIRED, 128, 0, 0, 0, 0},
};

static const model_field password_reset_fields[] = {
	{"password", FT_PASSWORD, "新密码", "new password", FF_REQUIRED, 128, 0, 0, 0, 0},
};

static const model_field unit_move_fields[] = {
	{"parent_id", FT_REF, "新上级单位", "new parent unit", FF_REQUIRED, 0, 0, 0, 0, 0},
	{"version", FT_INT, "版本", "version", 0, 0, 0, 0, 0, 0},
};

static const model_field user_roles_fields[] = {
	{"roles", FT_LIST, "角色", "roles", FF_REQUIRED, 16, 0, 0, 0, 0},
};

static const model_entity unit_entity = {"unit", "单位", "unit", 0, unit_fields, N(unit_fields), NULL, NULL, NULL, NULL};
static const model_entity user_entity = {"user", "用户", "user", 0, user_fields, N(user_fields), NULL, NULL, NULL, NULL};
static const model_entity role_entity = {"role", "角色", "role", 0, role_fields, N(role_fields), NULL, NULL, NULL, NULL};
static const model_entity login_form = {"login", "登录", "sign-in", ENTITY_FORM, login_fields, N(login_fields), NULL, NULL, NULL, NULL};
static const model_entity password_change_form = {"password_change", "修改密码", "change password",
                                                  ENTITY_FORM, password_change_fields,
                                                  N(password_change_fields), NULL, NULL, NULL, NULL};
static const model_entity password_reset_form = {"password_reset", "重置密码", "reset password", ENTITY_FORM,
                                                 password_reset_fields, N(password_reset_fields), NULL, NULL, NULL, NULL};
static const model_entity unit_move_form = {"unit_move", "移动单位", "move unit", ENTITY_FORM, unit_move_fields,
                                            N(unit_move_fields), NULL, NULL, NULL, NULL};
static const model_entity user_roles_form = {"user_roles", "分配角色", "grant roles", ENTITY_FORM,
                                             user_roles_fields, N(user_roles_fields), NULL, NULL, NULL, NULL};

static const model_field reveal_fields[] = {
	{"field", FT_TEXT, "字段", "field", FF_REQUIRED, 64, 0, 0, 0, 0},
	{"reason", FT_TEXT, "查看事由", "reason", FF_REQUIRED, 200, 0, 0, 0, 0},
};

static const model_field local_dict_fields[] = {
	{"code", FT_TEXT, "字典代码", "code", FF_REQUIRED | FF_CREATE, 32, 0, check_username, 0, 0},
	{"name_zh", FT_TEXT, "字典名称", "name (Chinese)", FF_REQUIRED, 32, 0, 0, 0, 0},
	{"name_en", FT_TEXT, "英文名称", "name (English)", 0, 64, 0, 0, 0, 0},
	{"unit_id", FT_REF, "所属单位", "owning unit", FF_CREATE, 0, 0, 0, 0, 0},
	{"items", FT_OBJECTS, "字典项", "items", FF_REQUIRED, 500, 0, 0, 0, 0},
	{"version", FT_INT, "版本", "version", 0, 0, 0, 0, 0, 0},
};

static const model_entity local_dict_form = {"local_dict", "本地字典", "local dictionary", ENTITY_FORM,
                                             local_dict_fields, N(local_dict_fields), NULL, NULL, NULL, NULL};

static const model_entity reveal_form = {"reveal", "查看敏感信息", "reveal a sensitive value", ENTITY_FORM,
                                         reveal_fields, N(reveal_fields), NULL, NULL, NULL, NULL};

/* Cases (docs/cases.md): the bodies of create, edit and act. */
#define CASE_TEXT(name, zh, en, flags, len) {name, FT_TEXT, zh, en, flags, len, 0, 0, 0, 0}
static const model_field case_create_fields[] = {
	{"type", FT_DICT, "类型", "type", FF_REQUIRED, 0, "case_type", 0, 0, 0},
	CASE_TEXT("title", "标题", "title", FF_REQUIRED, 100),
	CASE_TEXT("content", "内容", "content", FF_REQUIRED, 10000),
	{"unit_id", FT_REF, "所属单位", "unit", 0, 0, 0, 0, 0, 0},
	{"org_id", FT_REF, "以组织名义", "in the name of", 0, 0, 0, 0, 0, 0},
	{"enterprise_id", FT_REF, "企业", "enterprise", 0, 0, 0, 0, 0, 0},
	{"channel", FT_DICT, "来源渠道", "channel", 0, 0, "case_channel", 0, 0, 0},
	{"visit_id", FT_REF, "走访记录", "visit", 0, 0, 0, 0, 0, 0},
	{"person_id", FT_REF, "当事人", "person on record", 0, 0, 0, 0, 0, 0},
	{"leader_ids", FT_IDS, "呈送领导", "leaders addressed", 0, 20, 0, 0, 0, 0},
	{"signer_ids", FT_IDS, "联名人", "joint signers", 0, 50, 0, 0, 0, 0},
};

static const model_field case_patch_fields[] = {
	CASE_TEXT("title", "标题", "title", 0, 100),
	CASE_TEXT("content", "内容", "content", 0, 10000),
	{"version", FT_INT, "版本", "version", FF_REQUIRED, 0, 0, 0, 0, 0},
};

static const model_field case_action_fields[] = {
	CASE_TEXT("action", "操作", "action", FF_REQUIRED, 32),
	{"version", FT_INT, "版本", "version", FF_REQUIRED, 0, 0, 0, 0, 0},
	CASE_TEXT("comment", "意见", "comment", 0, 2000),
	{"reason", FT_DICT, "不予立案理由", "reason not registered", 0, 0, "not_registered_reason", 0, 0, 0},
	{"mode", FT_DICT, "办理方式", "handling mode", 0, 0, "handling_mode", 0, 0, 0},
	{"lead_unit_id", FT_REF, "主办单位", "lead unit", 0, 0, 0, 0, 0, 0},
	{"co_unit_ids", FT_IDS, "会办/分办单位", "co-handling units", 0, 20, 0, 0, 0, 0},
	{"result_class", FT_DICT, "办理结果", "result class", 0, 0, "result_class", 0, 0, 0},
	CASE_TEXT("answer", "答复内容", "answer", 0, 10000),
	{"rating", FT_DICT, "评价", "rating", 0, 0, "rating", 0, 0, 0},
	{"merge_into", FT_REF, "并入案件", "merge into", 0, 0, 0, 0, 0, 0},
	{"file_ids", FT_IDS, "附件", "attachments", 0, 20, 0, 0, 0, 0},
};

static const model_entity case_create_form = {"case_create", "新建案件", "new case", ENTITY_FORM,
                                              case_create_fields, N(case_create_fields), NULL, NULL, NULL, NULL};
static const model_entity case_patch_form = {"case_patch", "修改案件", "edit case", ENTITY_FORM, case_patch_fields,
                                             N(case_patch_fields), NULL, NULL, NULL, NULL};
static const model_entity case_action_form = {"case_action", "办理操作", "case action", ENTITY_FORM,
                                              case_action_fields, N(case_action_fields), NULL, NULL, NULL, NULL};

/* registry.c */
extern const model_entity person_entity, arrangement_entity, realpost_entity, training_entity, temppost_entity,
	rotation_entity, resume_entity, award_entity, family_entity, organisation_entity, membership_entity,
	grid_post_entity, leader_link_entity, enterprise_visit_entity;

const model_entity *const model_entities[] = {
	&unit_entity,         &user_entity,         &role_entity,        &login_form,
	&password_change_form, &password_reset_form, &unit_move_form,     &user_roles_form,
	&reveal_form,         &local_dict_form,     &person_entity,       &arrangement_entity, &realpost_entity,
	&training_entity,     &temppost_entity,     &rotation_entity,    &resume_entity,
	&award_entity,        &family_entity,       &organisation_entity, &membership_entity,
	&grid_post_entity,    &leader_link_entity,  &enterprise_visit_entity,
	&case_create_form,    &case_patch_form,     &case_action_form,
};
const size_t model_entities_count = N(model_entities);
