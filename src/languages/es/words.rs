//! How Spanish is read.

use crate::languages::vocabulary::Vocabulary;

pub(super) const VOCABULARY: Vocabulary = Vocabulary {
    words: &[],
    cues: &[],
    evidence: &[],
    scope: &[],
    concepts: &[],
    letters: &['ñ', 'Ñ', '¿', '¡'],
    ordinal_endings: &[],
    ordinal_stems: &[],
    ordinal_inflections: &[],
    typo_targets: &[],
    closings: &[],
    label_fillers: &[],
    month_first: false,
};
