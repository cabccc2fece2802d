//! Diesel table definitions, written by hand to match `migrations/{sqlite,postgres}`. Only types that both
//! backends share are used (Integer, Text, Bool, Timestamp), so one definition serves both.

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

diesel::allow_tables_to_appear_in_same_query!(
    reference_datasets,
    objectives,
    principles,
    groupings,
    grouping_groups,
    group_objectives,
    countries,
    blocs,
    bloc_members,
);
