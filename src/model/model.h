/*
 * model.h — the one declaration of entities, fields and dictionaries.
 *
 * Every entity the API accepts or returns is declared here once, with its
 * fields' types, labels (zh/en), limits, dictionary and flags. Request
 * validation (unknown fields, types, lengths, dictionary values), the
 * /api/v1/meta document the UI builds its forms from, and the OpenAPI
 * schemas are all generated from these tables; nothing about a field is
 * written twice.
 *
 * Entities flagged ENTITY_FORM are request shapes (sign-in, move…) rather
 * than stored records; they validate bodies but are not listed in /meta.
 */
#ifndef TX_MODEL_H
#define TX_MODEL_H

#include <stddef.h>

#include <jansson.h>

typedef enum field_type {
	FT_TEXT,     /* UTF-8 string, max_len in code points */
	FT_INT,      /* 64-bit integer */
	FT_BOOL,     /* true / false */
	FT_DICT,     /* string value from the dictionary named by .dict */
	FT_REF,      /* id of another entity (integer) */
	FT_PASSWORD, /* string never echoed, never logged */
	FT_LIST,     /* array of strings (dictionary values when .dict is set) */
	FT_DATE,     /* "YYYY-MM-DD" */
	FT_OBJECTS,  /* array of objects, checked further by the domain (max_len items) */
	FT_IDS,      /* array of distinct positive integers (ids), at most max_len */
	FT__MAX
} field_type;

enum field_flags {
	FF_REQUIRED = 1 << 0,  /* must be present on create */
	FF_READONLY = 1 << 1,  /* output only: refused in input */
	FF_SENSITIVE = 1 << 2, /* personal data: encrypted at rest, masked */
	FF_SEARCH = 1 << 3,    /* covered by the q= free-text filter */
	FF_LIST = 1 << 4,      /* shown as a column in lists by default */
	FF_CREATE = 1 << 5,    /* accepted on create only, not on update */
	FF_NULLABLE = 1 << 6,  /* JSON null accepted (clears the value) */
	FF_INDEXED = 1 << 7,   /* sensitive, with a blind index for equality look-ups */
	FF_UNIQUE = 1 << 8,    /* no two live records share the value (via the blind index) */
};

/* How a sensitive field is shown when not revealed. */
typedef enum field_mask { MASK_ALL = 0, MASK_ID, MASK_PHONE, MASK_NAME } field_mask;

/* A message in both languages; zh is shown by default. */
typedef struct msg2 {
	const char *zh;
	const char *en;
} msg2;

/* A field-specific check beyond type and length; returns NULL when fine. */
typedef const msg2 *(*field_check)(const char *value);
/*
 * A check that also normalises (15-digit ID numbers to 18, full-width
 * digits, phone formats): writes the stored form into out (n bytes).
 */
typedef const msg2 *(*field_norm)(const char *value, char *out, size_t n);

typedef struct model_field {
	const char *name;
	field_type type;
	const char *label_zh;
	const char *label_en;
	unsigned flags;
	int max_len;      /* FT_TEXT/FT_PASSWORD: code points; FT_LIST: items */
	const char *dict; /* FT_DICT / FT_LIST */
	field_check check;
	field_norm norm;
	field_mask mask; /* FF_SENSITIVE fields */
} model_field;

enum entity_flags {
	ENTITY_FORM = 1 << 0,   /* a request shape, not a stored record */
	ENTITY_RECORD = 1 << 1, /* stored in its own table, served by the generic record routes */
};

/*
 * A check across fields of a whole record (e.g. the ID number's birth date
 * against the birth-date field). `rec` holds the merged record after the
 * change; on a problem returns the message and sets *field.
 */
typedef const msg2 *(*entity_check)(json_t *rec, const char **field);

typedef struct model_entity {
	const char *name;
	const char *label_zh;
	const char *label_en;
	unsigned flags;
	const model_field *fields;
	size_t nfields;
	/* ENTITY_RECORD only: */
	const char *table;        /* SQL table (a constant, never input) */
	const char *parent;       /* sub-record of this entity, or NULL */
	const char *parent_field; /* the field holding the parent's id */
	entity_check check;
} model_entity;

typedef struct dict_item {
	const char *value;
	const char *label_zh;
	const char *label_en;
} dict_item;

typedef struct model_dict {
	const char *code;
	const char *name_zh;
	const char *name_en;
	const char *standard; /* e.g. "GB/T 4762", or NULL */
	const dict_item *items;
	size_t nitems;
} model_dict;

typedef enum validate_mode { VALIDATE_CREATE, VALIDATE_UPDATE } validate_mode;

const model_entity *model_entity_find(const char *name);
const model_field *model_field_find(const model_entity *e, const char *name);
const model_dict *model_dict_find(const char *code);
/* The item of a dictionary with this value, or NULL. */
const dict_item *model_dict_item(const char *dict, const char *value);

/* Iterate over all entities / dictionaries (NULL-free arrays). */
extern const model_entity *const model_entities[];
extern const size_t model_entities_count;
extern const model_dict *const model_dicts[];
extern const size_t model_dicts_count;

/*
 * Validate a JSON body against an entity. On problems returns -1 and sets
 * *fields to a new object {field: message} (caller owns it) in the
 * language given ("zh" or "en"); the first problem's message goes to
 * *summary (static). Returns 0 when valid.
 */
int model_validate(const model_entity *e, json_t *body, validate_mode mode, const char *lang, json_t **fields,
                   const char **summary);

/* The /api/v1/meta document (new reference). */
json_t *model_meta_json(void);
/* JSON Schema (OpenAPI 3.0 flavour) of an entity (new reference). */
json_t *model_schema_json(const model_entity *e);

const char *msg_pick(const msg2 *m, const char *lang);

#endif
