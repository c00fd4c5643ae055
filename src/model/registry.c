/*
 * registry.c — the registry entities: people on record (统战对象), their
 * sub-records, organisations, memberships and the posts of the work grid.
 *
 * Each is an ENTITY_RECORD: its own table with one column per field (plus
 * id, unit_id, unit_path, version, deleted, created/updated by/at, and a
 * <field>_bidx column for FF_INDEXED fields), served by the generic record
 * routes. Sub-records name their parent; they inherit its unit and scope.
 */
#include "model/model.h"

#include <string.h>

#include "model/validate.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const msg2 *norm_id_number(const char *v, char *out, size_t n)
{
	char tmp[19];
	struct id_info info;
	const msg2 *m = validate_id_number(v, tmp, &info);
	if (!m && n > 18)
		memcpy(out, tmp, 19);
	return m;
}

static const msg2 *norm_phone(const char *v, char *out, size_t n)
{
	return validate_phone(v, out, n);
}

static const msg2 *norm_credit_code(const char *v, char *out, size_t n)
{
	char tmp[19];
	const msg2 *m = validate_credit_code(v, tmp);
	if (!m && n > 18)
		memcpy(out, tmp, 19);
	return m;
}

static const msg2 *check_name(const char *v)
{
	return validate_person_name(v);
}

/* The ID number's birth date and gender digit must agree with the fields. */
static const msg2 *person_check(json_t *rec, const char **field)
{
	static const msg2 m_birth = {"出生日期与身份证号不一致", "the birth date does not match the ID number"};
	static const msg2 m_gender = {"性别与身份证号不一致", "the gender does not match the ID number"};
	const char *idn = json_string_value(json_object_get(rec, "id_number"));
	if (!idn || !*idn)
		return NULL;
	char norm[19];
	struct id_info info;
	if (validate_id_number(idn, norm, &info))
		return NULL; /* reported by the field check */
	const char *birth = json_string_value(json_object_get(rec, "birth_date"));
	if (birth && *birth && strcmp(birth, info.birth) != 0) {
		*field = "birth_date";
		return &m_birth;
	}
	const char *g = json_string_value(json_object_get(rec, "gender"));
	if (g && (strcmp(g, "1") == 0 || strcmp(g, "2") == 0) && (g[0] - '0') != info.gender) {
		*field = "gender";
		return &m_gender;
	}
	return NULL;
}

#define ID_FIELD {"id", FT_INT, "编号", "ID", FF_READONLY | FF_LIST, 0, 0, 0, 0, 0}
#define VERSION_FIELD {"version", FT_INT, "版本", "version", 0, 0, 0, 0, 0, 0}
#define PERSON_REF {"person_id", FT_REF, "人员", "person", FF_REQUIRED | FF_CREATE, 0, 0, 0, 0, 0}
#define DATE(n, zh, en) {n, FT_DATE, zh, en, FF_NULLABLE, 0, 0, 0, 0, 0}
#define TEXT(n, zh, en, fl, len) {n, FT_TEXT, zh, en, (fl) | FF_NULLABLE, len, 0, 0, 0, 0}
#define DICT(n, zh, en, fl, d) {n, FT_DICT, zh, en, (fl) | FF_NULLABLE, 0, d, 0, 0, 0}

static const model_field person_fields[] = {
	ID_FIELD,
	{"unit_id", FT_REF, "管理单位", "managing unit", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	{"name", FT_TEXT, "姓名", "name", FF_REQUIRED | FF_SEARCH | FF_LIST, 50, 0, check_name, 0, 0},
	DICT("gender", "性别", "gender", FF_LIST, "gender"),
	DATE("birth_date", "出生日期", "birth date"),
	{"id_number", FT_TEXT, "公民身份号码", "ID number",
	 FF_SENSITIVE | FF_INDEXED | FF_UNIQUE | FF_NULLABLE | FF_LIST, 18, 0, 0, norm_id_number, MASK_ID},
	{"ethnicity", FT_DICT, "民族", "ethnicity", FF_SENSITIVE | FF_INDEXED | FF_NULLABLE, 0, "ethnicity", 0, 0, MASK_ALL},
	{"political", FT_DICT, "政治面貌", "political affiliation", FF_SENSITIVE | FF_INDEXED | FF_NULLABLE, 0,
	 "political", 0, 0, MASK_ALL},
	{"party", FT_DICT, "民主党派", "democratic party", FF_SENSITIVE | FF_INDEXED | FF_NULLABLE, 0, "party", 0, 0,
	 MASK_ALL},
	{"religion", FT_DICT, "宗教信仰", "religion", FF_SENSITIVE | FF_INDEXED | FF_NULLABLE, 0, "religion", 0, 0,
	 MASK_ALL},
	DICT("education", "学历", "education", 0, "education"),
	{"categories", FT_LIST, "统战对象类别", "member categories", FF_LIST, 12, "member_category", 0, 0, 0},
	DICT("new_class_group", "新的社会阶层类别", "new social class group", 0, "new_class_group"),
	TEXT("workplace", "工作单位", "workplace", FF_SEARCH | FF_LIST, 100),
	TEXT("job_title", "职务", "post", FF_LIST, 100),
	{"phone", FT_TEXT, "联系电话", "phone", FF_SENSITIVE | FF_NULLABLE | FF_LIST, 32, 0, 0, norm_phone, MASK_PHONE},
	TEXT("address", "通讯地址", "address", 0, 200),
	{"is_representative", FT_BOOL, "党外代表人士", "representative person", FF_LIST, 0, 0, 0, 0, 0},
	{"is_reserve_cadre", FT_BOOL, "党外后备干部", "reserve cadre", 0, 0, 0, 0, 0, 0},
	DICT("cadre_rank", "职级", "rank", 0, "cadre_rank"),
	TEXT("notes", "备注", "notes", 0, 2000),
	VERSION_FIELD,
};

static const model_field arrangement_fields[] = {
	ID_FIELD,
	PERSON_REF,
	{"kind", FT_DICT, "安排类别", "kind", FF_REQUIRED | FF_LIST, 0, "arrangement_kind", 0, 0, 0},
	DICT("level", "层级", "level", FF_LIST, "level"),
	TEXT("body", "届次/机构", "body and term", FF_LIST, 100),
	TEXT("sector", "界别", "sector", FF_LIST, 50),
	DATE("start_date", "开始日期", "from"),
	DATE("end_date", "结束日期", "until"),
	TEXT("notes", "备注", "notes", 0, 500),
	VERSION_FIELD,
};

static const model_field realpost_fields[] = {
	ID_FIELD,
	PERSON_REF,
	{"organisation", FT_TEXT, "任职单位", "organisation", FF_REQUIRED | FF_LIST, 100, 0, 0, 0, 0},
	{"post", FT_TEXT, "职务", "post", FF_REQUIRED | FF_LIST, 100, 0, 0, 0, 0},
	DICT("level", "层级", "level", FF_LIST, "level"),
	{"is_head", FT_BOOL, "正职", "head of the body", FF_LIST, 0, 0, 0, 0, 0},
	DATE("start_date", "开始日期", "from"),
	DATE("end_date", "结束日期", "until"),
	VERSION_FIELD,
};

static const model_field training_fields[] = {
	ID_FIELD,
	PERSON_REF,
	{"title", FT_TEXT, "培训名称", "training", FF_REQUIRED | FF_LIST, 100, 0, 0, 0, 0},
	TEXT("organiser", "主办单位", "organiser", FF_LIST, 100),
	DATE("start_date", "开始日期", "from"),
	DATE("end_date", "结束日期", "until"),
	{"hours", FT_INT, "学时", "hours", FF_LIST, 0, 0, 0, 0, 0},
	VERSION_FIELD,
};

static const model_field temppost_fields[] = {
	ID_FIELD,
	PERSON_REF,
	{"organisation", FT_TEXT, "挂职单位", "organisation", FF_REQUIRED | FF_LIST, 100, 0, 0, 0, 0},
	{"post", FT_TEXT, "挂职职务", "post", FF_REQUIRED | FF_LIST, 100, 0, 0, 0, 0},
	DATE("start_date", "开始日期", "from"),
	DATE("end_date", "结束日期", "until"),
	VERSION_FIELD,
};

static const model_field rotation_fields[] = {
	ID_FIELD,
	PERSON_REF,
	TEXT("from_post", "原岗位", "from post", FF_LIST, 100),
	{"to_post", FT_TEXT, "轮岗岗位", "to post", FF_REQUIRED | FF_LIST, 100, 0, 0, 0, 0},
	DATE("date", "轮岗日期", "date"),
	VERSION_FIELD,
};

static const model_field resume_fields[] = {
	ID_FIELD,
	PERSON_REF,
	DATE("start_date", "起始", "from"),
	DATE("end_date", "截止", "until"),
	{"organisation", FT_TEXT, "单位", "organisation", FF_REQUIRED | FF_LIST, 100, 0, 0, 0, 0},
	TEXT("post", "职务", "post", FF_LIST, 100),
	VERSION_FIELD,
};

static const model_field award_fields[] = {
	ID_FIELD,
	PERSON_REF,
	{"title", FT_TEXT, "荣誉名称", "award", FF_REQUIRED | FF_LIST, 100, 0, 0, 0, 0},
	DICT("level", "层级", "level", FF_LIST, "level"),
	DATE("date", "获得日期", "date"),
	VERSION_FIELD,
};

static const model_field family_fields[] = {
	ID_FIELD,
	PERSON_REF,
	{"relation", FT_TEXT, "称谓", "relation", FF_REQUIRED | FF_LIST, 20, 0, 0, 0, 0},
	{"name", FT_TEXT, "姓名", "name", FF_REQUIRED | FF_SENSITIVE | FF_LIST, 50, 0, check_name, 0, MASK_NAME},
	{"workplace", FT_TEXT, "工作单位及职务", "workplace and post", FF_SENSITIVE | FF_NULLABLE | FF_LIST, 100, 0, 0, 0,
	 MASK_ALL},
	{"political", FT_DICT, "政治面貌", "political affiliation", FF_SENSITIVE | FF_NULLABLE, 0, "political", 0, 0,
	 MASK_ALL},
	VERSION_FIELD,
};

static const model_field organisation_fields[] = {
	ID_FIELD,
	{"unit_id", FT_REF, "管理单位", "managing unit", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	{"name", FT_TEXT, "名称", "name", FF_REQUIRED | FF_SEARCH | FF_LIST, 100, 0, 0, 0, 0},
	{"kind", FT_DICT, "组织类别", "kind", FF_REQUIRED | FF_LIST, 0, "org_kind", 0, 0, 0},
	DICT("party", "所属党派", "democratic party", FF_LIST, "party"),
	DICT("chamber_kind", "商会类别", "chamber kind", FF_LIST, "chamber_kind"),
	DICT("enterprise_kind", "企业类型", "enterprise kind", FF_LIST, "enterprise_kind"),
	{"credit_code", FT_TEXT, "统一社会信用代码", "unified social credit code",
	 FF_NULLABLE | FF_SEARCH | FF_LIST | FF_UNIQUE, 18, 0,
	 0, norm_credit_code, 0},
	{"parent_org_id", FT_REF, "上级组织", "parent organisation", FF_NULLABLE, 0, 0, 0, 0, 0},
	TEXT("address", "地址", "address", 0, 200),
	TEXT("contact_name", "联系人", "contact", 0, 50),
	{"contact_phone", FT_TEXT, "联系电话", "contact phone", FF_SENSITIVE | FF_NULLABLE, 32, 0, 0, norm_phone,
	 MASK_PHONE},
	DATE("founded_date", "成立日期", "founded"),
	{"member_count", FT_INT, "成员数", "members", FF_NULLABLE | FF_LIST, 0, 0, 0, 0, 0},
	{"area", FT_INT, "面积（平方米）", "area (m²)", FF_NULLABLE, 0, 0, 0, 0, 0},
	{"investment", FT_INT, "投资（万元）", "investment (10k yuan)", FF_NULLABLE, 0, 0, 0, 0, 0},
	TEXT("notes", "备注", "notes", 0, 2000),
	VERSION_FIELD,
};

static const model_field membership_fields[] = {
	ID_FIELD,
	PERSON_REF,
	{"organisation_id", FT_REF, "组织", "organisation", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	TEXT("role", "职务", "role", FF_LIST, 50),
	DATE("start_date", "加入日期", "from"),
	DATE("end_date", "退出日期", "until"),
	VERSION_FIELD,
};

static const model_field grid_post_fields[] = {
	ID_FIELD,
	{"unit_id", FT_REF, "单位", "unit", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	{"kind", FT_DICT, "岗位", "post", FF_REQUIRED | FF_LIST, 0, "post_kind", 0, 0, 0},
	{"holder_name", FT_TEXT, "姓名", "name", FF_REQUIRED | FF_SEARCH | FF_LIST, 50, 0, check_name, 0, 0},
	{"person_id", FT_REF, "对应人员", "person", FF_NULLABLE, 0, 0, 0, 0, 0},
	{"user_id", FT_REF, "对应账号", "user account", FF_NULLABLE, 0, 0, 0, 0, 0},
	{"phone", FT_TEXT, "联系电话", "phone", FF_SENSITIVE | FF_NULLABLE | FF_LIST, 32, 0, 0, norm_phone, MASK_PHONE},
	DATE("start_date", "任职日期", "from"),
	DATE("end_date", "离任日期", "until"),
	VERSION_FIELD,
};

/* A city leader paired with an enterprise (领导联系服务民营企业). */
static const model_field leader_link_fields[] = {
	ID_FIELD,
	{"unit_id", FT_REF, "管理单位", "managing unit", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	{"leader_name", FT_TEXT, "联系领导", "leader", FF_REQUIRED | FF_SEARCH | FF_LIST, 50, 0, check_name, 0, 0},
	TEXT("leader_post", "领导职务", "leader's post", FF_LIST, 50),
	{"enterprise_id", FT_REF, "联系企业", "enterprise", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	DICT("rhythm", "走访频次", "visit rhythm", FF_LIST, "visit_rhythm"),
	DATE("start_date", "联系起始日期", "since"),
	TEXT("note", "备注", "note", 0, 500),
	VERSION_FIELD,
};

/* A leader's or staff's visit to an enterprise, with the problems raised. */
static const model_field enterprise_visit_fields[] = {
	ID_FIELD,
	{"unit_id", FT_REF, "管理单位", "managing unit", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	{"enterprise_id", FT_REF, "走访企业", "enterprise", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	{"leader_name", FT_TEXT, "走访领导", "visited by", FF_REQUIRED | FF_SEARCH | FF_LIST, 50, 0, 0, 0, 0},
	{"visit_date", FT_DATE, "走访日期", "date", FF_REQUIRED | FF_LIST, 0, 0, 0, 0, 0},
	TEXT("participants", "参加人员", "participants", 0, 200),
	TEXT("content", "走访内容", "what was discussed", FF_SEARCH, 2000),
	TEXT("problems", "企业反映问题", "problems raised", FF_SEARCH, 2000),
	VERSION_FIELD,
};

#define RECORD(var, name, zh, en, fields, table, parent, pfield, check)                                             \
	const model_entity var = {name, zh, en, ENTITY_RECORD, fields, N(fields), table, parent, pfield, check}

RECORD(person_entity, "person", "统战对象", "person", person_fields, "person", NULL, NULL, person_check);
RECORD(arrangement_entity, "person_arrangement", "政治安排", "political arrangement", arrangement_fields,
       "person_arrangement", "person", "person_id", NULL);
RECORD(realpost_entity, "person_post", "实职安排", "real post", realpost_fields, "person_post", "person", "person_id",
       NULL);
RECORD(training_entity, "person_training", "教育培训", "training", training_fields, "person_training", "person",
       "person_id", NULL);
RECORD(temppost_entity, "person_temp_post", "挂职锻炼", "temporary post", temppost_fields, "person_temp_post",
       "person", "person_id", NULL);
RECORD(rotation_entity, "person_rotation", "轮岗交流", "rotation", rotation_fields, "person_rotation", "person",
       "person_id", NULL);
RECORD(resume_entity, "person_resume", "简历", "résumé", resume_fields, "person_resume", "person", "person_id", NULL);
RECORD(award_entity, "person_award", "奖励荣誉", "award", award_fields, "person_award", "person", "person_id", NULL);
RECORD(family_entity, "person_family", "家庭成员", "family member", family_fields, "person_family", "person",
       "person_id", NULL);
RECORD(organisation_entity, "organisation", "组织", "organisation", organisation_fields, "organisation", NULL, NULL,
       NULL);
RECORD(membership_entity, "membership", "组织成员", "membership", membership_fields, "membership", "person",
       "person_id", NULL);
RECORD(grid_post_entity, "grid_post", "网格岗位", "grid post", grid_post_fields, "grid_post", NULL, NULL, NULL);
RECORD(leader_link_entity, "leader_link", "领导联系企业", "leader-enterprise link", leader_link_fields, "leader_link",
       NULL, NULL, NULL);
RECORD(enterprise_visit_entity, "enterprise_visit", "企业走访", "enterprise visit", enterprise_visit_fields,
       "enterprise_visit", NULL, NULL, NULL);
