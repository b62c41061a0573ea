import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * Arbitrary JSON for shapes that evolve with the evidence model (labels, evidence lists,
 * remediation steps, flows); typed fields stay typed, these stay flexible.
 */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: function parse(
    ast: ValueNode,
    variables?: Record<string, unknown> | null,
  ): unknown {
    switch (ast.kind) {
      case Kind.STRING:
      case Kind.ENUM:
      case Kind.BOOLEAN:
        return ast.value;
      case Kind.INT:
      case Kind.FLOAT:
        return Number(ast.value);
      case Kind.NULL:
        return null;
      case Kind.LIST:
        return ast.values.map((value) => parse(value, variables));
      case Kind.OBJECT:
        return Object.fromEntries(
          ast.fields.map((field) => [field.name.value, parse(field.value, variables)]),
        );
      case Kind.VARIABLE:
        return variables?.[ast.name.value];
      default:
        return undefined;
    }
  },
});
