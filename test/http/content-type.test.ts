// The small table of common extensions gives every file the Content-Type mime-types would: it only
// spares loading mime-types' full table for them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { contentType } from "mime-types";
import { commonExtensions, contentTypeOf } from "../../runtime/http/content-type.js";

const asMimeTypes = (path: string): string => contentType(path.slice(path.lastIndexOf("."))) || "application/octet-stream";

describe("Content-Type of a static file", () => {
  it("answers each common extension, in any case, as mime-types does", async () => {
    for (const extension of commonExtensions()) {
      for (const path of [`/site/file${extension}`, `/site/FILE${extension.toUpperCase()}`]) {
        assert.equal(await contentTypeOf(path), asMimeTypes(path), path);
      }
    }
  });

  it("asks mime-types for any other extension", async () => {
    for (const path of ["/a/b.csv", "/a/b.tar.gz", "/a/b.MP4", "/a/b.webm", "/a/b.ttf"]) {
      assert.equal(await contentTypeOf(path), asMimeTypes(path), path);
    }
  });

  it("answers application/octet-stream without an extension or for an unknown one", async () => {
    assert.equal(await contentTypeOf("/a/Makefile"), "application/octet-stream");
    assert.equal(await contentTypeOf("/a/.hidden"), "application/octet-stream");
    assert.equal(await contentTypeOf("/a/b.not-a-known-extension"), "application/octet-stream");
  });
});
