//! Diesel table definitions, written by hand to match `migrations/{sqlite,postgres}`. Only types that both
//! backends share are used (Integer, BigInt, Double, Text, Bool, Timestamp, Binary), so one definition serves both.

diesel::table! {
    reference_datasets (name) {
        name -> Text,
        version -> Text,
        loaded_at -> Timestamp,
    }
}

diesel::table! {
    objectives (number) {
        number -> Integer,
        title_en -> Text,
        title_es -> Text,
        short_en -> Text,
        short_es -> Text,
    }
}

diesel::table! {
    principles (key) {
        key -> Text,
        position -> Integer,
        name_en -> Text,
        name_es -> Text,
    }
}

diesel::table! {
    groupings (id) {
        id -> Text,
        version -> Text,
        is_default -> Bool,
        title_en -> Text,
        title_es -> Text,
        source -> Text,
    }
}

diesel::table! {
    grouping_groups (grouping_id, id) {
        grouping_id -> Text,
        id -> Text,
        position -> Integer,
        title_en -> Text,
        title_es -> Text,
    }
}

diesel::table! {
    group_objectives (grouping_id, group_id, objective) {
        grouping_id -> Text,
        group_id -> Text,
        objective -> Integer,
    }
}

diesel::table! {
    countries (iso3) {
        iso3 -> Text,
        iso2 -> Text,
        m49 -> Text,
        name_en -> Text,
        name_es -> Text,
        region -> Nullable<Text>,
        subregion -> Nullable<Text>,
        aliases -> Text,
    }
}

diesel::table! {
    blocs (id) {
        id -> Text,
        kind -> Text,
        name_en -> Text,
        name_es -> Text,
        founded -> Nullable<Integer>,
        source -> Text,
    }
}

diesel::table! {
    bloc_members (bloc_id, iso3) {
        bloc_id -> Text,
        iso3 -> Text,
        status -> Text,
        source -> Text,
    }
}

diesel::joinable!(bloc_members -> blocs (bloc_id));
diesel::joinable!(bloc_members -> countries (iso3));
diesel::joinable!(group_objectives -> objectives (objective));

diesel::table! {
    review_cycles (id) {
        id -> Text,
        position -> Integer,
        region -> Nullable<Text>,
        title_en -> Text,
        title_es -> Text,
        review_start -> Nullable<Text>,
        review_end -> Nullable<Text>,
        feeds_until -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    sources (id) {
        id -> Text,
        file_name -> Text,
        title -> Text,
        publisher -> Text,
        kind -> Text,
        language -> Text,
        published -> Nullable<Text>,
        published_precision -> Text,
        cycle_id -> Text,
        note -> Nullable<Text>,
        checksum -> Text,
        line_count -> Integer,
        body -> Text,
        imported_at -> Timestamp,
        voice -> Text,
    }
}

diesel::table! {
    evidence_items (id) {
        id -> Text,
        source_id -> Text,
        line_start -> Integer,
        line_end -> Integer,
        kind -> Text,
        context -> Nullable<Text>,
        title -> Text,
        summary -> Nullable<Text>,
        quote -> Text,
        language -> Text,
        reporting_iso3 -> Nullable<Text>,
        actor -> Nullable<Text>,
        actor_type -> Nullable<Text>,
        year -> Nullable<Integer>,
        date -> Nullable<Text>,
        status -> Nullable<Text>,
        figures -> Text,
        content_hash -> Text,
        imported_at -> Timestamp,
        page_start -> Nullable<Integer>,
        page_end -> Nullable<Integer>,
    }
}

diesel::table! {
    item_countries (item_id, iso3, role) {
        item_id -> Text,
        iso3 -> Text,
        role -> Text,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Integer,
        name -> Text,
        role -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        target -> Text,
        before_value -> Nullable<Text>,
        after_value -> Nullable<Text>,
    }
}

diesel::table! {
    objective_mappings (id) {
        id -> Integer,
        item_id -> Text,
        objective -> Integer,
        basis -> Text,
        confidence -> Double,
        is_primary -> Bool,
        rationale -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        model_version -> Nullable<Text>,
    }
}

diesel::table! {
    principle_mappings (item_id, principle) {
        item_id -> Text,
        principle -> Text,
        basis -> Text,
        confidence -> Double,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    submissions (cycle_id, iso3, kind) {
        cycle_id -> Text,
        iso3 -> Text,
        kind -> Text,
        source_id -> Nullable<Text>,
        line_start -> Nullable<Integer>,
        line_end -> Nullable<Integer>,
    }
}

diesel::table! {
    champions (iso3) {
        iso3 -> Text,
        since -> Nullable<Text>,
        as_of -> Text,
        source_id -> Nullable<Text>,
        line_start -> Nullable<Integer>,
        line_end -> Nullable<Integer>,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    data_versions (name) {
        name -> Text,
        version -> BigInt,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    documents (source_id) {
        source_id -> Text,
        content_sha256 -> Text,
        format -> Text,
        byte_count -> BigInt,
        pages -> Nullable<Integer>,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::joinable!(sources -> review_cycles (cycle_id));
diesel::joinable!(documents -> sources (source_id));
diesel::joinable!(evidence_items -> sources (source_id));
diesel::joinable!(evidence_items -> countries (reporting_iso3));
diesel::joinable!(item_countries -> evidence_items (item_id));
diesel::joinable!(objective_mappings -> evidence_items (item_id));
diesel::joinable!(principle_mappings -> evidence_items (item_id));

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
        role -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sign_in_failures (id) {
        id -> Integer,
        subject -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    rejected_suggestions (id) {
        id -> Integer,
        item_id -> Text,
        mapping_id -> Nullable<Integer>,
        objective -> Nullable<Integer>,
        principle -> Nullable<Text>,
        basis -> Text,
        confidence -> Double,
        is_primary -> Bool,
        rationale -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        rejected_by -> Text,
        rejected_at -> Timestamp,
    }
}

diesel::table! {
    not_evidence_items (item_id) {
        item_id -> Text,
        marked_by -> Text,
        marked_at -> Timestamp,
    }
}

diesel::table! {
    models (version) {
        version -> Text,
        created_at -> Timestamp,
        created_by -> Text,
        examples -> Integer,
        documents -> Integer,
        training_sha256 -> Text,
        lexicon_version -> Text,
        top1 -> Double,
        top3 -> Double,
        evaluation -> Text,
        model -> Text,
        training_data -> Text,
        is_current -> Bool,
    }
}

diesel::table! {
    editions (id) {
        id -> Text,
        title -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Text,
        method_version -> Text,
        model_version -> Text,
        framework_version -> Text,
        source_count -> Integer,
        item_count -> Integer,
        mapping_count -> Integer,
        country_count -> Integer,
        export_sha256 -> Text,
        export_bytes -> BigInt,
        content -> Binary,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(rejected_suggestions -> evidence_items (item_id));
diesel::joinable!(not_evidence_items -> evidence_items (item_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    rejected_suggestions,
    not_evidence_items,
    reference_datasets,
    objectives,
    principles,
    groupings,
    grouping_groups,
    group_objectives,
    countries,
    blocs,
    bloc_members,
    review_cycles,
    sources,
    evidence_items,
    item_countries,
    objective_mappings,
    principle_mappings,
    submissions,
    champions,
    data_versions,
    documents,
    editions,
    models,
);
