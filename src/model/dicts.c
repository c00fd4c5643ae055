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
	{"dict:write", "维护本地字典", "maintain local dictionaries"},
	{"person:read", "查看统战对象", "read people"},
	{"person:create", "新增统战对象", "add people"},
	{"person:update", "修改统战对象及其子记录", "update people and their sub-records"},
	{"person:delete", "删除统战对象", "delete people"},
	{"person:reveal", "查看敏感个人信息", "reveal sensitive personal data"},
	{"person:export_unmasked", "导出未脱敏的统战对象数据", "export people unmasked"},
	{"organisation:read", "查看组织", "read organisations"},
	{"organisation:create", "新增组织", "add organisations"},
	{"organisation:update", "修改组织", "update organisations"},
	{"organisation:delete", "删除组织", "delete organisations"},
	{"organisation:reveal", "查看组织联系人电话", "reveal organisation contact phones"},
	{"organisation:export_unmasked", "导出未脱敏的组织数据", "export organisations unmasked"},
	{"grid_post:read", "查看网格岗位", "read grid posts"},
	{"grid_post:create", "新增网格岗位", "add grid posts"},
	{"grid_post:update", "修改网格岗位", "update grid posts"},
	{"grid_post:delete", "删除网格岗位", "delete grid posts"},
	{"grid_post:reveal", "查看岗位人员电话", "reveal grid post phones"},
	{"grid_post:export_unmasked", "导出未脱敏的网格岗位数据", "export grid posts unmasked"},
	{"leader_link:read", "查看领导联系企业", "read leader-enterprise links"},
	{"leader_link:create", "新增领导联系企业", "add leader-enterprise links"},
	{"leader_link:update", "修改领导联系企业", "update leader-enterprise links"},
	{"leader_link:delete", "删除领导联系企业", "delete leader-enterprise links"},
	{"leader_link:reveal", "查看领导联系企业敏感信息", "reveal leader-enterprise link data"},
	{"leader_link:export_unmasked", "导出未脱敏的领导联系企业", "export leader-enterprise links unmasked"},
	{"enterprise_visit:read", "查看企业走访", "read enterprise visits"},
	{"enterprise_visit:create", "新增企业走访", "add enterprise visits"},
	{"enterprise_visit:update", "修改企业走访", "update enterprise visits"},
	{"enterprise_visit:delete", "删除企业走访", "delete enterprise visits"},
	{"enterprise_visit:reveal", "查看企业走访敏感信息", "reveal enterprise visit data"},
	{"enterprise_visit:export_unmasked", "导出未脱敏的企业走访", "export enterprise visits unmasked"},
	{"case:read", "查看案件及统计", "read cases and their figures"},
	{"case:submit", "提交建言、提案、诉求", "submit cases"},
	{"case:handle", "承办案件", "handle cases for a unit"},
	{"case:manage", "登记、交办、审核案件", "register, assign and review cases"},
};

/*
 * People registry code tables. Where a national standard defines the codes,
 * the values are the standard's codes and .standard names it; the other
 * tables use readable English values.
 */

/* 政治面貌 GB/T 4762-1984. */
static const dict_item political_items[] = {
	{"01", "中共党员", "CPC member"},
	{"02", "中共预备党员", "CPC probationary member"},
	{"03", "共青团员", "Communist Youth League member"},
	{"04", "民革党员", "RCCK member"},
	{"05", "民盟盟员", "CDL member"},
	{"06", "民建会员", "CNDCA member"},
	{"07", "民进会员", "CAPD member"},
	{"08", "农工党党员", "CPWDP member"},
	{"09", "致公党党员", "CZGP member"},
	{"10", "九三学社社员", "Jiusan Society member"},
	{"11", "台盟盟员", "TDSGL member"},
	{"12", "无党派人士", "non-party person"},
	{"13", "群众", "ordinary citizen"},
};

/* 民族 GB 3304-1991 (GB/T 3304): the 56 nationalities, 97 and 98. */
static const dict_item ethnicity_items[] = {
	{"01", "汉族", "Han"},
	{"02", "蒙古族", "Mongolian"},
	{"03", "回族", "Hui"},
	{"04", "藏族", "Tibetan"},
	{"05", "维吾尔族", "Uyghur"},
	{"06", "苗族", "Miao"},
	{"07", "彝族", "Yi"},
	{"08", "壮族", "Zhuang"},
	{"09", "布依族", "Bouyei"},
	{"10", "朝鲜族", "Korean"},
	{"11", "满族", "Manchu"},
	{"12", "侗族", "Dong"},
	{"13", "瑶族", "Yao"},
	{"14", "白族", "Bai"},
	{"15", "土家族", "Tujia"},
	{"16", "哈尼族", "Hani"},
	{"17", "哈萨克族", "Kazakh"},
	{"18", "傣族", "Dai"},
	{"19", "黎族", "Li"},
	{"20", "傈僳族", "Lisu"},
	{"21", "佤族", "Wa"},
	{"22", "畲族", "She"},
	{"23", "高山族", "Gaoshan"},
	{"24", "拉祜族", "Lahu"},
	{"25", "水族", "Shui"},
	{"26", "东乡族", "Dongxiang"},
	{"27", "纳西族", "Naxi"},
	{"28", "景颇族", "Jingpo"},
	{"29", "柯尔克孜族", "Kyrgyz"},
	{"30", "土族", "Tu"},
	{"31", "达斡尔族", "Daur"},
	{"32", "仫佬族", "Mulao"},
	{"33", "羌族", "Qiang"},
	{"34", "布朗族", "Blang"},
	{"35", "撒拉族", "Salar"},
	{"36", "毛南族", "Maonan"},
	{"37", "仡佬族", "Gelao"},
	{"38", "锡伯族", "Xibe"},
	{"39", "阿昌族", "Achang"},
	{"40", "普米族", "Pumi"},
	{"41", "塔吉克族", "Tajik"},
	{"42", "怒族", "Nu"},
	{"43", "乌孜别克族", "Uzbek"},
	{"44", "俄罗斯族", "Russian"},
	{"45", "鄂温克族", "Evenki"},
	{"46", "德昂族", "De'ang"},
	{"47", "保安族", "Bonan"},
	{"48", "裕固族", "Yugur"},
	{"49", "京族", "Jing"},
	{"50", "塔塔尔族", "Tatar"},
	{"51", "独龙族", "Derung"},
	{"52", "鄂伦春族", "Oroqen"},
	{"53", "赫哲族", "Hezhen"},
	{"54", "门巴族", "Monba"},
	{"55", "珞巴族", "Lhoba"},
	{"56", "基诺族", "Jino"},
	{"97", "其他", "other"},
	{"98", "外国血统中国籍人士", "Chinese citizen of foreign origin"},
};

/*
 * 学历 GB/T 4658-2006. The tens (10, 20, 40, 60, 70, 80) are the standard's
 * level headings, usable when only the level is known.
 */
static const dict_item education_items[] = {
	{"10", "研究生教育", "postgraduate education"},
	{"11", "博士研究生毕业", "doctoral programme, graduated"},
	{"12", "博士研究生结业", "doctoral programme, completed without graduating"},
	{"13", "博士研究生肄业", "doctoral programme, not completed"},
	{"14", "硕士研究生毕业", "master's programme, graduated"},
	{"15", "硕士研究生结业", "master's programme, completed without graduating"},
	{"16", "硕士研究生肄业", "master's programme, not completed"},
	{"17", "研究生班毕业", "postgraduate class, graduated"},
	{"18", "研究生班结业", "postgraduate class, completed without graduating"},
	{"19", "研究生班肄业", "postgraduate class, not completed"},
	{"20", "大学本科/专科教育", "undergraduate or junior college education"},
	{"21", "大学本科毕业", "bachelor's programme, graduated"},
	{"22", "大学本科结业", "bachelor's programme, completed without graduating"},
	{"23", "大学本科肄业", "bachelor's programme, not completed"},
	{"28", "大学普通班毕业", "university ordinary class (1970–1976), graduated"},
	{"31", "大学专科毕业", "junior college, graduated"},
	{"32", "大学专科结业", "junior college, completed without graduating"},
	{"33", "大学专科肄业", "junior college, not completed"},
	{"40", "中等职业教育", "secondary vocational education"},
	{"41", "中等专科毕业", "secondary specialised school, graduated"},
	{"42", "中等专科结业", "secondary specialised school, completed without graduating"},
	{"43", "中等专科肄业", "secondary specialised school, not completed"},
	{"44", "职业高中毕业", "vocational high school, graduated"},
	{"45", "职业高中结业", "vocational high school, completed without graduating"},
	{"46", "职业高中肄业", "vocational high school, not completed"},
	{"47", "技工学校毕业", "technical school, graduated"},
	{"48", "技工学校结业", "technical school, completed without graduating"},
	{"49", "技工学校肄业", "technical school, not completed"},
	{"60", "普通高级中学教育", "senior high school education"},
	{"61", "普通高中毕业", "senior high school, graduated"},
	{"62", "普通高中结业", "senior high school, completed without graduating"},
	{"63", "普通高中肄业", "senior high school, not completed"},
	{"70", "初级中学教育", "junior high school education"},
	{"71", "初中毕业", "junior high school, graduated"},
	{"73", "初中肄业", "junior high school, not completed"},
	{"80", "小学教育", "primary education"},
	{"81", "小学毕业", "primary school, graduated"},
	{"83", "小学肄业", "primary school, not completed"},
	{"90", "其他", "other"},
};

/* 性别 GB/T 2261.1-2003. */
static const dict_item gender_items[] = {
	{"0", "未知的性别", "unknown"},
	{"1", "男", "male"},
	{"2", "女", "female"},
	{"9", "未说明的性别", "not stated"},
};

/*
 * 宗教信仰: no national standard; the codes of public-security practice.
 * 20 is labelled 藏传佛教, the name used officially instead of 喇嘛教.
 */
static const dict_item religion_items[] = {
	{"00", "无宗教信仰", "no religious belief"},
	{"10", "佛教", "Buddhism"},
	{"20", "藏传佛教", "Tibetan Buddhism"},
	{"30", "道教", "Taoism"},
	{"40", "天主教", "Catholicism"},
	{"50", "基督教", "Protestant Christianity"},
	{"60", "东正教", "Eastern Orthodoxy"},
	{"70", "伊斯兰教", "Islam"},
	{"99", "其他", "other"},
};

/* 统战工作对象 — the 12 categories of the Regulations on United Front Work (art. 5). */
static const dict_item member_category_items[] = {
	{"01", "民主党派成员", "member of a democratic party"},
	{"02", "无党派人士", "non-party person"},
	{"03", "党外知识分子", "non-CPC intellectual"},
	{"04", "少数民族人士", "ethnic minority figure"},
	{"05", "宗教界人士", "religious figure"},
	{"06", "非公有制经济人士", "person in the non-public economy"},
	{"07", "新的社会阶层人士", "person of the new social strata"},
	{"08", "出国和归国留学人员", "student abroad or returned from study abroad"},
	{"09", "香港同胞、澳门同胞", "Hong Kong or Macao compatriot"},
	{"10", "台湾同胞及其在大陆的亲属", "Taiwan compatriot or mainland relative"},
	{"11", "华侨、归侨及侨眷", "overseas Chinese, returnee or relative"},
	{"12", "其他需要联系和团结的人员", "other person to keep contact with and unite"},
};

/* 新的社会阶层人士 — the four groups. */
static const dict_item new_class_group_items[] = {
	{"management_tech", "民营企业和外资企业管理技术人员",
	 "managerial and technical staff of private and foreign-funded enterprises"},
	{"intermediary", "中介组织和社会组织从业人员", "staff of intermediary and social organisations"},
	{"freelance", "自由职业人员", "freelancer"},
	{"new_media", "新媒体从业人员", "new-media practitioner"},
};

/* 民主党派 — the eight democratic parties. */
static const dict_item party_items[] = {
	{"rcck", "中国国民党革命委员会", "Revolutionary Committee of the Chinese Kuomintang"},
	{"cdl", "中国民主同盟", "China Democratic League"},
	{"cndca", "中国民主建国会", "China National Democratic Construction Association"},
	{"capd", "中国民主促进会", "China Association for Promoting Democracy"},
	{"cpwdp", "中国农工民主党", "Chinese Peasants' and Workers' Democratic Party"},
	{"czgp", "中国致公党", "China Zhi Gong Party"},
	{"jiusan", "九三学社", "Jiusan Society"},
	{"tdsgl", "台湾民主自治同盟", "Taiwan Democratic Self-Government League"},
};

/* 商会类别. */
static const dict_item chamber_kind_items[] = {
	{"town", "乡镇（街道）商会", "town chamber"},
	{"industry", "行业商会", "industry chamber"},
	{"out_of_town", "异地商会", "chamber of people from elsewhere"},
};

/* 组织类别. */
static const dict_item org_kind_items[] = {
	{"party_committee", "民主党派委员会", "democratic party committee"},
	{"party_branch", "民主党派基层组织", "democratic party branch"},
	{"federation", "工商联", "federation of industry and commerce"},
	{"chamber", "商会", "chamber of commerce"},
	{"association", "社会团体", "association"},
	{"association_branch", "社会团体分支机构", "association branch"},
	{"enterprise", "企业", "enterprise"},
	{"base", "统战工作阵地（基地）", "united-front base"},
};

/* 企业类型 (by origin of capital). */
static const dict_item enterprise_kind_items[] = {
	{"private", "民营企业", "private enterprise"},
	{"overseas", "外资企业", "foreign-funded enterprise"},
	{"hk_macao", "港澳资企业", "Hong Kong or Macao-funded enterprise"},
	{"taiwan", "台资企业", "Taiwan-funded enterprise"},
	{"other", "其他", "other"},
};

/* 统战工作岗位. */
static const dict_item post_kind_items[] = {
	{"leader_in_charge", "分管领导", "leader in charge"},
	{"clerk", "统战干事", "clerk"},
	{"liaison", "联络员", "liaison"},
};

/* 政治安排. */
static const dict_item arrangement_kind_items[] = {
	{"npc_deputy", "人大代表", "people's congress deputy"},
	{"cppcc_member", "政协委员", "CPPCC member"},
	{"npc_standing", "人大常委会委员", "member of the people's congress standing committee"},
	{"cppcc_standing", "政协常委", "member of the CPPCC standing committee"},
};

/* 层级 (of a political arrangement, honour or organisation). */
static const dict_item level_items[] = {
	{"national", "全国", "national"},
	{"provincial", "省级", "provincial"},
	{"city", "市级", "city"},
	{"county", "县级", "county"},
	{"town", "乡镇级", "town"},
};

/* 后备干部职级. */
static const dict_item cadre_rank_items[] = {
	{"division_chief", "正处级", "division head"},
	{"division_deputy", "副处级", "deputy division head"},
	{"section_chief", "正科级", "section head"},
	{"section_deputy", "副科级", "deputy section head"},
	{"section_member", "科员", "section member"},
};

static const model_dict unit_kind = {"unit_kind", "单位类型", "unit kind", NULL, unit_kind_items,
                                     N(unit_kind_items)};
static const model_dict role_scope = {"role_scope", "数据范围", "data scope", NULL, role_scope_items,
                                      N(role_scope_items)};
static const model_dict permission = {"permission", "权限", "permission", NULL, permission_items,
                                      N(permission_items)};

static const model_dict political = {"political", "政治面貌", "political affiliation", "GB/T 4762", political_items,
                                     N(political_items)};
static const model_dict ethnicity = {"ethnicity", "民族", "ethnicity", "GB 3304", ethnicity_items,
                                     N(ethnicity_items)};
static const model_dict education = {"education", "学历", "education", "GB/T 4658-2006", education_items,
                                     N(education_items)};
static const model_dict gender = {"gender", "性别", "gender", "GB/T 2261.1", gender_items, N(gender_items)};
static const model_dict religion = {"religion", "宗教信仰", "religion", NULL, religion_items, N(religion_items)};
static const model_dict member_category = {"member_category", "统战对象类别", "member category", NULL,
                                           member_category_items, N(member_category_items)};
static const model_dict new_class_group = {"new_class_group", "新的社会阶层人士类别", "new social strata group",
                                           NULL, new_class_group_items, N(new_class_group_items)};
static const model_dict party = {"party", "民主党派", "democratic party", NULL, party_items, N(party_items)};
static const model_dict chamber_kind = {"chamber_kind", "商会类别", "chamber kind", NULL, chamber_kind_items,
                                        N(chamber_kind_items)};
static const model_dict org_kind = {"org_kind", "组织类别", "organisation kind", NULL, org_kind_items,
                                    N(org_kind_items)};
static const model_dict enterprise_kind = {"enterprise_kind", "企业类型", "enterprise kind", NULL,
                                           enterprise_kind_items, N(enterprise_kind_items)};
static const model_dict post_kind = {"post_kind", "岗位", "post", NULL, post_kind_items, N(post_kind_items)};
static const model_dict arrangement_kind = {"arrangement_kind", "政治安排", "political arrangement", NULL,
                                            arrangement_kind_items, N(arrangement_kind_items)};
static const model_dict level = {"level", "层级", "level", NULL, level_items, N(level_items)};
static const model_dict cadre_rank = {"cadre_rank", "后备干部职级", "reserve cadre rank", NULL, cadre_rank_items,
                                      N(cadre_rank_items)};

/* Cases (docs/cases.md). */
static const dict_item case_type_items[] = {
	{"suggestion", "议政建言", "suggestion"},
	{"proposal", "提案", "proposal"},
	{"enterprise_request", "企业诉求", "enterprise request"},
	{"petition", "信访", "petition"},
	{"mediation", "调解", "mediation"},
};
static const dict_item handling_mode_items[] = {
	{"single", "单办", "single unit"},
	{"separate", "分办", "separate handling"},
	{"joint", "会办", "joint handling"},
};
static const dict_item result_class_items[] = {
	{"A", "A类 已解决或基本解决", "A: solved or basically solved"},
	{"B", "B类 正在解决或列入计划", "B: being solved or planned"},
	{"C", "C类 因条件限制暂不能解决", "C: cannot be solved now"},
};
static const dict_item rating_items[] = {
	{"satisfied", "满意", "satisfied"},
	{"basic", "基本满意", "basically satisfied"},
	{"unsatisfied", "不满意", "unsatisfied"},
};
/* The grounds on which a proposal is not registered (不予立案). */
static const dict_item not_registered_reason_items[] = {
	{"secret", "涉及党和国家秘密", "concerns state or party secrets"},
	{"forbidden", "违反国家法律法规或禁止事项", "a matter the law forbids"},
	{"personnel", "涉及人事任免", "personnel matters"},
	{"party_internal", "属于党派团体内部事务", "a party's or group's internal affairs"},
	{"litigation", "涉及诉讼、仲裁或纪检案件", "in litigation or arbitration"},
	{"academic", "属于学术探讨", "academic discussion"},
	{"personal", "涉及个人或亲属私事", "personal or family matters"},
	{"promotion", "宣传推介产品或作品", "promotes a product or work"},
	{"accusation", "对具体人员的检举控告", "accusation against named people"},
	{"no_suggestion", "无具体建议", "no concrete suggestion"},
	{"other", "其他", "other"},
};
static const dict_item case_channel_items[] = {
	{"visit", "走访", "visit"},
	{"online", "网上", "online"},
	{"hotline", "12345热线", "12345 hotline"},
	{"leader_visit", "领导走访", "leader's visit"},
	{"letter", "来信", "letter"},
	{"walk_in", "来访", "walk-in"},
};
static const dict_item visit_rhythm_items[] = {
	{"monthly", "每月", "monthly"},
	{"quarterly", "每季度", "quarterly"},
	{"half_year", "每半年", "every half year"},
	{"yearly", "每年", "yearly"},
};

static const model_dict case_type = {"case_type", "案件类型", "case type", NULL, case_type_items, N(case_type_items)};
static const model_dict handling_mode = {"handling_mode", "办理方式", "handling mode", NULL, handling_mode_items,
                                         N(handling_mode_items)};
static const model_dict result_class = {"result_class", "办理结果", "result class", NULL, result_class_items,
                                        N(result_class_items)};
static const model_dict rating = {"rating", "满意度", "rating", NULL, rating_items, N(rating_items)};
static const model_dict not_registered_reason = {"not_registered_reason", "不予立案理由", "reason not registered",
                                                 NULL, not_registered_reason_items, N(not_registered_reason_items)};
static const model_dict case_channel = {"case_channel", "来源渠道", "channel", NULL, case_channel_items,
                                        N(case_channel_items)};
static const model_dict visit_rhythm = {"visit_rhythm", "走访频次", "visit rhythm", NULL, visit_rhythm_items,
                                        N(visit_rhythm_items)};

const model_dict *const model_dicts[] = {
	&unit_kind, &role_scope, &permission, &political, &ethnicity, &education, &gender, &religion, &member_category,
	&new_class_group, &party, &chamber_kind, &org_kind, &enterprise_kind, &post_kind, &arrangement_kind, &level,
	&cadre_rank, &case_type, &handling_mode, &result_class, &rating, &not_registered_reason, &case_channel,
	&visit_rhythm,
};
const size_t model_dicts_count = N(model_dicts);
