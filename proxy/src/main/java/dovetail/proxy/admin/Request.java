package dovetail.proxy.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dovetail.proxy.admin.AdminVerb.BadRequest;
import dovetail.store.MailLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** One parsed request line, with accessors that name the field in every complaint. */
final class Request {
  private static final String USER = "user";
  private final ObjectNode json;

  Request(ObjectNode json) {
    this.json = json;
  }

  String verb() throws BadRequest {
    return requiredText(AdminProtocol.VERB);
  }

  String requiredText(String field) throws BadRequest {
    return optionalText(field).orElseThrow(() -> new BadRequest("missing \"" + field + "\""));
  }

  Optional<String> optionalText(String field) throws BadRequest {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual() || v.asText().isEmpty()) {
      throw new BadRequest("\"" + field + "\" must be a non-empty string");
    }
    return Optional.of(v.asText());
  }

  /**
   * The request's {@code user}, in its one spelling (lower case, as {@code -u} and logins), refused here when no
   * store can have it: an invalid name gets its answer at once and is never recorded as a known user.
   */
  Optional<String> user() throws BadRequest {
    Optional<String> user = optionalText(USER).map(MailLocation::canonicalUser);
    if (user.isPresent()) {
      Optional<String> problem = MailLocation.userNameProblem(user.get());
      if (problem.isPresent()) {
        throw new BadRequest(problem.get());
      }
    }
    return user;
  }

  String requiredUser() throws BadRequest {
    return user().orElseThrow(() -> new BadRequest("missing \"" + USER + "\""));
  }

  boolean flag(String field) throws BadRequest {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new BadRequest("\"" + field + "\" must be true or false");
    }
    return v.booleanValue();
  }

  List<String> texts(String field) throws BadRequest {
    JsonNode v = json.get(field);
    List<String> out = new ArrayList<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new BadRequest("\"" + field + "\" must be a list of strings");
    }
    for (JsonNode item : v) {
      if (!item.isTextual() || item.asText().isEmpty()) {
        throw new BadRequest("\"" + field + "\" must be a list of non-empty strings");
      }
      out.add(item.asText());
    }
    return out;
  }
}
