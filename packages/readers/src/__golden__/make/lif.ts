/**
 * Leica LIF files (LIFReader.initFile): 0x70, the header length, 0x2A, the UTF-16 XML (LMSDataContainerHeader with one
 * Element per image: ImageDescription Channels / Dimensions, Memory), then one memory block per image (0x70, length,
 * 0x2A, 64-bit size, 0x2A, UTF-16 block name, pixels).
 */
function utf16(s: string): Buffer {
  return Buffer.from(s, "utf16le");
}

function int(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
}

/** A LIF holding 4 x 4 8-bit images with these names (their series names, which LAS X exports `<name>.xml` for). */
export function lif(names: string[]): Buffer {
  const image = (name: string, i: number) =>
    `<Element Name="${name}" Visibility="1" CopyOption="1" UniqueID="u${i}"><Data><Image TextDescription=""><ImageDescription><Channels><ChannelDescription DataType="0" ChannelTag="0" Resolution="8" NameOfMeasuredQuantity="" Min="0.000000e+00" Max="2.550000e+02" Unit="" LUTName="Gray" IsLUTInverted="0" BytesInc="0" BitInc="0"/></Channels><Dimensions><DimensionDescription DimID="1" NumberOfElements="4" Origin="0" Length="4.0e-06" Unit="m" BitInc="0" BytesInc="1"/><DimensionDescription DimID="2" NumberOfElements="4" Origin="0" Length="4.0e-06" Unit="m" BitInc="0" BytesInc="4"/></Dimensions></ImageDescription></Image></Data><Memory Size="16" MemoryBlockID="MemBlock_${i + 1}"/><Children/></Element>`;
  const xml = `<LMSDataContainerHeader Version="2"><Element Name="project" Visibility="1" CopyOption="1" UniqueID="p"><Data><Experiment IsSavedFlag="1"/></Data><Memory Size="0" MemoryBlockID="MemBlock_0"/><Children>${names.map(image).join("")}</Children></Element></LMSDataContainerHeader>`;
  const header = Buffer.concat([Buffer.from([0x2a]), int(xml.length), utf16(xml)]);
  const parts: Buffer[] = [int(0x70), int(header.length), header];
  names.forEach((_, i) => {
    const desc = utf16(`MemBlock_${i + 1}`);
    const size = Buffer.alloc(8);
    size.writeBigInt64LE(16n);
    const body = Buffer.concat([Buffer.from([0x2a]), size, Buffer.from([0x2a]), int(desc.length / 2), desc]);
    parts.push(int(0x70), int(body.length + 16), body, Buffer.alloc(16));
  });
  return Buffer.concat(parts);
}
