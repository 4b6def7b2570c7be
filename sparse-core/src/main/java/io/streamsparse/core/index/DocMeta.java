package io.streamsparse.core.index;

import java.util.Map;

/** What a slot keeps of a document besides its vector: id, display strings and keyword fields (sorted map). */
record DocMeta(String docId, String title, String snippet, Map<String, String> fields) {
}
