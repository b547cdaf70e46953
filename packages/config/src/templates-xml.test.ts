import { decodeEntities, scanTemplatesXml, scopeRank } from "./templates-xml";

describe("scanTemplatesXml", () => {
  test("bare property lines pasted from the docs", () => {
    const r = scanTemplatesXml(
      '<property name="omero.fs.watchDir" value="/a;/b"/>\n  <property name="omero.fs.pathMode"  value="Flat" />\n',
    );
    expect(r.problems).toEqual([]);
    expect(r.properties).toEqual([
      { name: "omero.fs.watchDir", value: "/a;/b", line: 1, scope: "bare", where: "top level" },
      { name: "omero.fs.pathMode", value: "Flat", line: 2, scope: "bare", where: "top level" },
    ]);
  });

  test('\\" inside a double-quoted value is a literal quote, and a < is tolerated', () => {
    const r = scanTemplatesXml(
      String.raw`<property name="omero.fs.importArgs" value="-T \"regex:^.*/(?<Container1>.*?)\";--report"/>`,
    );
    expect(r.problems).toEqual([]);
    expect(r.properties[0]!.value).toBe('-T "regex:^.*/(?<Container1>.*?)";--report');
  });

  test('&quot; and the other entities give the same result as \\"', () => {
    const a = scanTemplatesXml(String.raw`<property name="x" value="-T \"regex:^.*/(?<C>.*?)\" a&b"/>`);
    const b = scanTemplatesXml('<property name="x" value="-T &quot;regex:^.*/(?&lt;C&gt;.*?)&quot; a&amp;b"/>');
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    expect(b.properties[0]!.value).toBe(a.properties[0]!.value);
    expect(b.properties[0]!.value).toBe('-T "regex:^.*/(?<C>.*?)" a&b');
  });

  test("single-quoted values, &apos;, \\' and numeric entities", () => {
    const r = scanTemplatesXml(`<property name='x' value='it\\'s &apos;q&apos; &#65;&#x42;'/>`);
    expect(r.properties[0]!.value).toBe("it's 'q' AB");
  });

  test("a backslash not before the quote stays", () => {
    const r = scanTemplatesXml(String.raw`<property name="x" value="regex:.*\.tif"/>`);
    expect(r.properties[0]!.value).toBe(String.raw`regex:.*\.tif`);
  });

  test("decodeEntities leaves unknown entities as written", () => {
    expect(decodeEntities("a &nbsp; &lt;b&gt; &#x41;")).toBe("a &nbsp; <b> A");
  });

  test("comments (including commented-out properties), PIs and DOCTYPE are skipped", () => {
    const r = scanTemplatesXml(
      '<?xml version="1.0"?>\n<!DOCTYPE icegrid>\n<!-- <property name="omero.fs.watchDir" value="/no"/> -->\n<property name="omero.fs.watchDir" value="/yes"/>\n',
    );
    expect(r.problems).toEqual([]);
    expect(r.properties.map((p) => [p.value, p.line])).toEqual([["/yes", 4]]);
  });

  test.each([
    ['<property name="a" value="1"/>\n<!-- never closed\n', 2, "unterminated comment"],
    ['<property name="a" value="1"/>\n<property name="b" value="2"\n', 2, "unterminated tag"],
    ['\n\n<property name="b" value="2/>\n', 3, "unterminated value"],
    ['<property name="a" value=1/>\n', 1, "must be quoted"],
    ['<icegrid>\n<properties id="DropBox">\n</icegrid>\n', 3, "does not match <properties> opened on line 2"],
    ["<icegrid>\n<properties>\n", 2, "never closed"],
    ['\n<property value="1"/>\n', 2, "without a name"],
    ['<property name="omero.fs.x"/>\n', 1, "without a value"],
    ['<property name="a" name="b" value="1"/>', 1, "given twice"],
    ["</properties>\n", 1, "without a matching opening tag"],
    ['<property name="a" value="1"/>\n\n< property/>', 3, "does not start a tag"],
  ])("malformed: %j -> line %d: %s", (text, line, msg) => {
    const r = scanTemplatesXml(text);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.line).toBe(line);
    expect(r.problems[0]!.message).toContain(msg);
  });

  test("scopes of a whole OMERO templates.xml", () => {
    const xml = `<icegrid>
  <properties id="Blitz">
    <property name="omero.fs.watchDir" value="/blitz"/>
  </properties>
  <properties id="DropBox">
    <property name="omero.fs.watchDir" value="/block"/>
  </properties>
  <properties id="Profile">
    <property name="omero.fs.watchDir" value="/profile"/>
    <target name="debug"><property name="omero.fs.watchDir" value="/target"/></target>
  </properties>
  <server-template id="DropBoxTemplate">
    <server id="DropBox" exe="x">
      <properties>
        <properties refid="DropBox"/>
        <property name="omero.fs.watchDir" value="/server"/>
      </properties>
    </server>
  </server-template>
  <server-template id="TestDropBoxTemplate">
    <server id="TestDropBox" exe="x">
      <properties><property name="omero.fs.watchDir" value="/test"/></properties>
    </server>
  </server-template>
</icegrid>
`;
    const r = scanTemplatesXml(xml);
    expect(r.problems).toEqual([]);
    expect(r.properties.map((p) => [p.value, p.scope, scopeRank(p.scope)])).toEqual([
      ["/blitz", "other", null],
      ["/block", "dropbox-block", 0],
      ["/profile", "profile-block", 1],
      ["/target", "other", null],
      ["/server", "dropbox-server", 2],
      ["/test", "other", null],
    ]);
  });
});

describe("a property that would be lost is reported with its line", () => {
  test("a line lacking its `<` (as in a facility's seed) is a problem; the other lines are still read", () => {
    const r = scanTemplatesXml(
      [
        '<property name="omero.fs.watchDir" value="/a"/>',
        '  property name="omero.fs.dirImportWait" value="5"/>',
        '<property name="omero.fs.pathMode" value="Flat"/>',
      ].join("\n"),
    );
    expect(r.problems).toEqual([
      {
        line: 2,
        message:
          '`property name="omero.fs.dirImportWait" value="5"/>` lacks its opening `<`, so it is not read; write <property name="..." value="..."/>',
      },
    ]);
    expect(r.properties.map((p) => p.name)).toEqual(["omero.fs.watchDir", "omero.fs.pathMode"]);
  });

  test("at the end of the file, inside a block, and a misspelt element", () => {
    const r = scanTemplatesXml(
      '<properties id="DropBox">\nproperty name="omero.fs.x" value="1" />\n</properties>\n<propery name="omero.fs.pathMode" value="Flat"/>\nproperty name="omero.fs.y" value="2"/>',
    );
    expect(r.problems.map((p) => p.line)).toEqual([2, 4, 5]);
    expect(r.problems[1]!.message).toBe(
      '<propery name="omero.fs.pathMode" ...> is not read: the element must be <property>',
    );
  });

  test("comments and prose that do not look like a property are not problems", () => {
    const r = scanTemplatesXml(
      '<!-- property name="omero.fs.x" value="1"/> -->\nsome text\n<variable name="X" value="1"/>',
    );
    expect(r.problems).toEqual([]);
  });
});
