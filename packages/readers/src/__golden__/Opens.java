import java.io.*;
import java.util.*;

/**
 * Opens FILE... : for each file given alone, the fileset ../shared/bioformats/group makes of it (the same
 * Group driver, one fresh Group per file, in one JVM). One JSON line per file:
 * {"file":path,"files":[used files...]} or {"file":path,"files":null} when it makes none.
 * Compiled and run by record.ts (golden cases, issue 18).
 */
public class Opens {
  public static void main(String[] args) throws Exception {
    PrintStream o = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
    for (String a : args) {
      File f = new File(a).getAbsoluteFile().toPath().normalize().toFile();
      Group g = new Group();
      g.listAll(f);
      g.handleFile(f);
      List<String> kept = g.parse();
      StringBuilder sb = new StringBuilder("{\"file\":").append(Group.q(f.getPath())).append(",\"files\":");
      if (kept.isEmpty()) sb.append("null");
      else {
        String[] used = g.containers.get(kept.get(0));
        sb.append("[");
        for (int k = 0; k < used.length; k++) sb.append(k > 0 ? "," : "").append(Group.q(used[k]));
        sb.append("]");
      }
      o.println(sb.append("}"));
      o.flush();
    }
  }
}
